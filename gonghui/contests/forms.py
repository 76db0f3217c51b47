from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User
from gonghui.contests.models import Criterion, Event, Judge, Level, Part
from gonghui.core.forms import ModelChoiceField
from gonghui.core.widgets import DateInput
from gonghui.orgs.models import Enterprise, Organisation


class YearFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=9999)


class ContestForm(forms.Form):
    title = forms.CharField(label=_("竞赛名称"), max_length=100)
    year = forms.IntegerField(
        label=_("年度"), min_value=1900, max_value=9999, initial=lambda: timezone.localdate().year
    )
    level = forms.ChoiceField(label=_("竞赛级别"), choices=Level.choices, initial=Level.ZONE)
    held_on = forms.DateField(label=_("比赛日期"), widget=DateInput)
    organisers = forms.ModelMultipleChoiceField(
        label=_("主办单位"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    rules = forms.CharField(label=_("竞赛规则"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisers"].queryset = organisers
        self.fields["organisers"].label_from_instance = lambda org: org.name


class AwardFields(forms.Form):
    award_basis = forms.ChoiceField(label=_("奖项设置方式"), choices=Event.AwardBasis.choices)
    first = forms.DecimalField(label=_("一等奖"), min_value=0, max_digits=5, decimal_places=2, initial=1)
    second = forms.DecimalField(label=_("二等奖"), min_value=0, max_digits=5, decimal_places=2, initial=2)
    third = forms.DecimalField(label=_("三等奖"), min_value=0, max_digits=5, decimal_places=2, initial=3)
    merit = forms.DecimalField(label=_("优胜奖"), min_value=0, max_digits=5, decimal_places=2, initial=0)


class EventForm(AwardFields):
    name = forms.CharField(
        label=_("项目名称"), max_length=50, help_text=_("如：二次元测量、电芯目检、叉车、PLC、电气电工")
    )

    field_order = ["name"]


class RulesForm(AwardFields):
    tie_break = forms.CharField(
        label=_("同分排序规则"),
        required=False,
        max_length=200,
        help_text=_(
            "总成绩相同时依次比较，用逗号分隔：part:实操（该部分得分高者在前）、time（用时少者在前）"
        ),
    )

    field_order = ["tie_break"]

    def clean_tie_break(self):
        text = self.cleaned_data["tie_break"].replace("，", ",")
        return [item.strip() for item in text.split(",") if item.strip()]


class PartForm(forms.Form):
    name = forms.CharField(label=_("部分名称"), max_length=20, help_text=_("如：理论、实操"))
    weight = forms.DecimalField(label=_("权重（%）"), max_digits=5, decimal_places=2)


class CriterionForm(forms.Form):
    part = ModelChoiceField(label=_("评分部分"), queryset=Part.objects.none())
    name = forms.CharField(label=_("评分项"), max_length=50)
    kind = forms.ChoiceField(label=_("类型"), choices=Criterion.Kind.choices)
    max_mark = forms.DecimalField(label=_("满分"), max_digits=6, decimal_places=2)
    deduction = forms.DecimalField(
        label=_("每处扣分（测量项；不填则合格满分、不合格0分）"),
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    standard_seconds = forms.IntegerField(label=_("标准用时（秒，用时项）"), min_value=1, required=False)
    limit_seconds = forms.IntegerField(label=_("最长用时（秒，用时项）"), min_value=1, required=False)
    level_0 = forms.CharField(label=_("0级说明（评判项）"), max_length=100, required=False)
    level_1 = forms.CharField(label=_("1级说明"), max_length=100, required=False)
    level_2 = forms.CharField(label=_("2级说明"), max_length=100, required=False)
    level_3 = forms.CharField(label=_("3级说明"), max_length=100, required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = event.parts.all()

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["levels"] = [data.pop(f"level_{n}") for n in range(4)]
        return data


class MemberKeyForm(forms.Form):
    """Names a member by ID number or card number; the view resolves it within the contest's scope."""

    person = forms.CharField(label=_("选手（公民身份号码或会员证号）"), max_length=30)


class JudgeForm(forms.Form):
    user = forms.CharField(label=_("平台账号（有账号的裁判在平台评分）"), max_length=150, required=False)
    name = forms.CharField(label=_("姓名（无账号时必填）"), max_length=50, required=False)
    enterprise = ModelChoiceField(label=_("所在单位"), queryset=Enterprise.objects.none(), required=False)
    capacity = forms.ChoiceField(label=_("职责"), choices=Judge.Capacity.choices)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises

    def clean_user(self):
        username = self.cleaned_data["user"].strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("没有这个账号"))
        return user


class ScoreForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.DecimalField(label=_("分值"), max_digits=8, decimal_places=2, localize=False)
    reason = forms.CharField(label=_("修改原因（修改已录入的评分时必填）"), max_length=200, required=False)


class ConfirmForm(forms.Form):
    """No fields: one button (sign, publish, enter); the service's refusal is shown on this form."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
