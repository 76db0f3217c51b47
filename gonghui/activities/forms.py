from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.activities.models import Activity, WelfareDistribution
from gonghui.core.widgets import DateInput
from gonghui.orgs.forms import UnionChoiceField
from gonghui.orgs.models import Organisation


class YearFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=9999)


class ActivityFilterForm(YearFilterForm):
    kind = forms.ChoiceField(
        label=_("活动类型"), required=False, choices=[("", _("全部"))] + Activity.Kind.choices
    )


class ActivityForm(forms.Form):
    organiser = UnionChoiceField(label=_("主办组织"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("活动类型"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=100)
    held_on = forms.DateField(label=_("活动日期"), widget=DateInput, initial=timezone.localdate)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, required=False)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        if len(organisers) == 1:
            self.fields["organiser"].initial = organisers[0]


class MemberKeyForm(forms.Form):
    """Names a member by ID number or card number; the view resolves it within the union's scope."""

    person = forms.CharField(label=_("会员（公民身份号码或会员证号）"), max_length=30)


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(label=_("签到"), coerce=int, required=False)

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(r.pk, r.person.name) for r in registrations]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class WelfareForm(forms.Form):
    union = UnionChoiceField(label=_("工会"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("名称"), max_length=100)
    occasion = forms.ChoiceField(label=_("类别"), choices=WelfareDistribution.Occasion.choices)
    distributed_on = forms.DateField(label=_("发放日期"), widget=DateInput, initial=timezone.localdate)
    item = forms.CharField(label=_("发放物品"), max_length=100)
    amount = forms.DecimalField(
        label=_("每人金额（元）"), max_digits=10, decimal_places=2, min_value=Decimal("0")
    )

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        if len(unions) == 1:
            self.fields["union"].initial = unions[0]


class RecipientForm(MemberKeyForm):
    item = forms.CharField(label=_("发放物品（不填则为本次标准）"), max_length=100, required=False)
    amount = forms.DecimalField(
        label=_("金额（元，不填则为本次标准）"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )


class SignOffForm(forms.Form):
    """No fields: signing off is one button; the service's refusal is shown on this form."""
