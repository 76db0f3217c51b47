"""Forms of mutual aid: they collect input; the services hold every rule (money is checked there, so a
sum with more than two decimals is refused with the service's message naming the field)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import ModelChoiceField
from gonghui.core.widgets import DateInput
from gonghui.coverage.forms import MultipleFileField
from gonghui.mutual_aid.models import Plan, Status

TIER_RE = re.compile(r"^\s*(\d+)\s*-\s*(\d*)\s*[:：]\s*(\S+)\s*$")


class MoneyField(forms.CharField):
    """A sum in yuan as typed: the service checks it (two decimals at most, not negative)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)


class PlanForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("保障类型"), choices=Plan.Kind.choices)
    renews = ModelChoiceField(label=_("续接上期"), queryset=Plan.objects.none(), required=False)
    starts_on = forms.DateField(label=_("统一起保日期"), widget=DateInput)
    term_years = forms.TypedChoiceField(
        label=_("保障期限"), coerce=int, choices=[(1, _("1年")), (2, _("2年")), (3, _("3年"))]
    )
    enrol_until = forms.DateField(label=_("参保截止日期"), widget=DateInput)
    premium_per_share = MoneyField(label=_("每份会费（元/期）"))
    max_shares = forms.IntegerField(label=_("每人最多份数"), min_value=1, max_value=20, initial=3)
    daily_tiers = forms.CharField(
        label=_("住院日津贴分段（元/份/天，每行一段，如“1-3:0”“4-30:40”“31-:50”）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    fixed_sum = MoneyField(label=_("定额给付（元/份）"), required=False)
    cost_ratio = forms.CharField(label=_("自付费用给付比例（0至1）"), required=False, max_length=10)
    claim_limit = MoneyField(label=_("单次限额（元/份）"), required=False)
    year_limit = MoneyField(label=_("年度限额（元/份）"), required=False)
    term_limit = MoneyField(label=_("期内限额（元/份）"), required=False)
    claims_per_year = forms.IntegerField(label=_("每年给付次数上限"), min_value=1, required=False)
    exclusion_days = forms.IntegerField(label=_("免责期（天）"), min_value=0, initial=30)
    reduced_days = forms.IntegerField(label=_("减责期（免责期后，天）"), min_value=0, initial=0)
    reduced_ratio = forms.CharField(label=_("减责期给付比例（0至1）"), required=False, max_length=10)
    same_cause_months = forms.IntegerField(label=_("同一病因合并期（月）"), min_value=0, initial=0)
    min_age = forms.IntegerField(label=_("最低年龄"), min_value=0, max_value=120, initial=16)
    max_age = forms.IntegerField(label=_("最高年龄"), min_value=0, max_value=120, initial=65)
    min_participation = forms.CharField(label=_("最低参保比例（0至1）"), initial="0.8", max_length=10)
    all_below_headcount = forms.IntegerField(
        label=_("职工人数少于此数的企业须全员参保"), min_value=0, initial=100
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["renews"].queryset = plans

    def clean_daily_tiers(self):
        tiers = []
        for line in (self.cleaned_data["daily_tiers"] or "").splitlines():
            if not line.strip():
                continue
            match = TIER_RE.match(line)
            if not match:
                raise ValidationError(
                    _("「%(line)s」应写成“起始天-结束天:金额”，如“4-30:40”") % {"line": line.strip()}
                )
            low, high, amount = match.groups()
            tiers.append({"from": int(low), "to": int(high) if high else None, "amount": amount})
        return tiers


class EnrolmentForm(forms.Form):
    enrolled_on = forms.DateField(label=_("参保日期"), widget=DateInput, initial=timezone.localdate)
    shares = forms.IntegerField(label=_("每人份数"), min_value=1, initial=1)
    memberships = forms.TypedMultipleChoiceField(
        label=_("参保人员"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["memberships"].choices = [
            (m.pk, f"{m.person.name}（{m.person.id_masked}）") for m in memberships
        ]
        self.fields["memberships"].initial = [m.pk for m in memberships]


class ClaimForm(forms.Form):
    person = forms.CharField(label=_("会员（公民身份号码或会员证号）"), max_length=30)
    plan = ModelChoiceField(label=_("互助计划"), queryset=Plan.objects.none())
    event_on = forms.DateField(label=_("出险日期（发病、确诊或受伤）"), widget=DateInput)
    admitted_on = forms.DateField(label=_("入院日期"), widget=DateInput, required=False)
    discharged_on = forms.DateField(label=_("出院日期"), widget=DateInput, required=False)
    cause_code = forms.CharField(label=_("病因编码（ICD-10，如K35）"), max_length=20)
    diagnosis = forms.CharField(label=_("诊断"), widget=forms.Textarea(attrs={"rows": 2}))
    hospital = forms.CharField(label=_("医院"), max_length=200)
    stay = forms.CharField(
        label=_("住院和治疗情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    total_cost = MoneyField(label=_("医疗总费用（元）"))
    insurance_paid = MoneyField(label=_("医保报销（元）"))
    invoices = forms.CharField(label=_("医疗发票号码（每行一个）"), widget=forms.Textarea(attrs={"rows": 2}))
    account_name = forms.CharField(label=_("收款人（须为会员本人）"), max_length=50)
    account_number = forms.CharField(label=_("银行账号"), max_length=40)
    bank = forms.CharField(label=_("开户银行"), max_length=100)
    consent = forms.BooleanField(
        label=_("已取得会员本人书面同意处理其医疗健康信息（《个人信息保护法》第二十九条）"), required=False
    )
    consent_on = forms.DateField(label=_("本人同意日期"), widget=DateInput, required=False)
    documents = MultipleFileField(
        label=_("申请材料（诊断证明、出院小结、发票、银行卡、同意书）"), required=False
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        if len(plans) == 1:
            self.fields["plan"].initial = plans[0]

    def clean_invoices(self):
        return [n for n in re.split(r"[\s,，;；]+", self.cleaned_data["invoices"]) if n]


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明或原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    documents = MultipleFileField(label=_("补充材料"), required=False)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("支付日期"), widget=DateInput, initial=timezone.localdate)
    reference = forms.CharField(label=_("银行流水号"), max_length=64)


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + Status.choices)
    year = forms.IntegerField(label=_("申请年度"), required=False, min_value=2000, max_value=2100)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
