from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.academy.models import Craft, Partner, TrainingClass
from gonghui.core.forms import ModelChoiceField
from gonghui.core.widgets import DateInput
from gonghui.orgs.forms import UnionChoiceField
from gonghui.orgs.models import Organisation


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class CourseFilterForm(forms.Form):
    craft = forms.ChoiceField(label=_("工种方向"), required=False, choices=[("", _("全部"))] + Craft.choices)
    q = forms.CharField(label=_("课程名称"), required=False, max_length=100)


class _ForFederation(forms.Form):
    federation = UnionChoiceField(label=_("主办总工会"), queryset=Organisation.objects.none())

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations
        if len(federations) == 1:
            self.fields["federation"].initial = federations[0]


class PartnerForm(_ForFederation):
    kind = forms.ChoiceField(label=_("类型"), choices=Partner.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    contact = forms.CharField(label=_("联系人"), max_length=100, required=False)


class CourseForm(_ForFederation):
    title = forms.CharField(label=_("课程名称"), max_length=100)
    craft = forms.ChoiceField(label=_("工种方向"), choices=Craft.choices)
    hours = forms.DecimalField(label=_("课时"), max_digits=5, decimal_places=1, min_value=Decimal("0.5"))
    partner = ModelChoiceField(label=_("合作单位"), queryset=Partner.objects.none(), required=False)
    min_attendance = forms.DecimalField(
        label=_("最低出勤率（0至1，如0.80）"),
        max_digits=3,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(1),
        initial=Decimal("0.80"),
    )
    pass_mark = forms.IntegerField(
        label=_("考核合格分（不填则不考核）"), min_value=0, max_value=100, required=False
    )
    description = forms.CharField(
        label=_("课程简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class ClassForm(forms.Form):
    mode = forms.ChoiceField(label=_("形式"), choices=TrainingClass.Mode.choices)
    name = forms.CharField(label=_("班级名称"), max_length=100, help_text=_("如：2024年第1期"))
    starts_on = forms.DateField(label=_("开班日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput)
    place = forms.CharField(label=_("地点（线下）"), max_length=100, required=False)
    capacity = forms.IntegerField(label=_("名额（线下，不填则不限）"), min_value=1, required=False)
    teacher = forms.CharField(label=_("授课教师"), max_length=100, required=False)


class SessionForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput)
    starts_at = forms.TimeField(label=_("开始时间"), widget=TimeInput)
    ends_at = forms.TimeField(label=_("结束时间"), widget=TimeInput)
    topic = forms.CharField(label=_("内容"), max_length=100, required=False)


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(label=_("出勤"), coerce=int, required=False)

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(e.pk, e.person.name) for e in enrolments]


class CompletionForm(forms.Form):
    """One score per enrolled trainee (score_<enrolment id>)."""

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for e in enrolments:
            self.fields[f"score_{e.pk}"] = forms.DecimalField(
                label=e.person.name,
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=4,
                decimal_places=1,
            )

    def scores(self) -> dict[int, Decimal | None]:
        return {e.pk: self.cleaned_data.get(f"score_{e.pk}") for e in self.enrolments}

    def rows(self):
        return [(e, self[f"score_{e.pk}"]) for e in self.enrolments]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class CertificateFilterForm(forms.Form):
    year = forms.IntegerField(label=_("发证年度"), required=False, min_value=1900, max_value=9999)
    q = forms.CharField(label=_("证书编号或姓名"), required=False, max_length=50)
