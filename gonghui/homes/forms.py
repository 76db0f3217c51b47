from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.widgets import DateInput
from gonghui.homes.models import Event, Facility, HomeAward
from gonghui.orgs.forms import UnionChoiceField
from gonghui.orgs.models import Organisation


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):  # what <input type=datetime-local> shows
        super().__init__(attrs, format=format)


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class HomeFilterForm(forms.Form):
    q = forms.CharField(label=_("名称、地址或工会"), required=False)
    demonstration = forms.ChoiceField(
        label=_("命名"), required=False, choices=[("", _("全部")), ("yes", _("已获示范点或模范职工之家命名"))]
    )


class HomeForm(forms.Form):
    union = UnionChoiceField(label=_("所属工会"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200)
    opened_on = forms.DateField(label=_("建成日期"), widget=DateInput, initial=timezone.localdate)
    area_m2 = forms.IntegerField(label=_("面积（平方米）"), min_value=1, required=False)
    facilities = forms.MultipleChoiceField(
        label=_("设施"), choices=Facility.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        if len(unions) == 1:
            self.fields["union"].initial = unions[0]


class HomeEditForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200)
    opened_on = forms.DateField(label=_("建成日期"), widget=DateInput)
    closed_on = forms.DateField(label=_("停用日期"), widget=DateInput, required=False)
    area_m2 = forms.IntegerField(label=_("面积（平方米）"), min_value=1, required=False)
    facilities = forms.MultipleChoiceField(
        label=_("设施"), choices=Facility.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AwardForm(forms.Form):
    kind = forms.ChoiceField(label=_("命名类别"), choices=HomeAward.Kind.choices)
    level = forms.TypedChoiceField(label=_("级别"), choices=HomeAward.Level.choices, coerce=int)
    year = forms.IntegerField(
        label=_("命名年度"), min_value=1950, max_value=2100, initial=lambda: timezone.localdate().year
    )
    awarded_by = forms.CharField(label=_("命名单位"), max_length=100, required=False)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("照片（JPG或PNG，不超过10 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class EventFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=9999)
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *Event.Kind.choices])


class EventForm(forms.Form):
    organiser = UnionChoiceField(label=_("主办组织"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("类别"), choices=Event.Kind.choices)
    title = forms.CharField(label=_("名称"), max_length=100)
    place = forms.CharField(label=_("地点"), max_length=100)
    starts_at = DateTimeField(label=_("开始时间"))
    ends_at = DateTimeField(label=_("结束时间"))
    registration_opens_at = DateTimeField(label=_("报名开始"))
    registration_closes_at = DateTimeField(label=_("报名截止"))
    capacity = forms.IntegerField(label=_("总名额"), min_value=1)
    description = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        if len(organisers) == 1:
            self.fields["organiser"].initial = organisers[0]


class QuotaForm(forms.Form):
    union = UnionChoiceField(label=_("工会"), queryset=Organisation.objects.none())
    seats = forms.IntegerField(label=_("名额"), min_value=1)

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions


class MemberKeyForm(forms.Form):
    """Names a member by ID number or card number; the view resolves it within the organiser's subtree."""

    person = forms.CharField(label=_("会员（公民身份号码或会员证号）"), max_length=30)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class CheckInSearchForm(forms.Form):
    q = forms.CharField(
        label=_("姓名、拼音首字母或身份证号"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "inputmode": "search"}),
    )


class CheckInForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
