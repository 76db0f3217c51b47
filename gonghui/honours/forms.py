from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import ModelChoiceField
from gonghui.core.widgets import DateInput
from gonghui.honours.models import (
    EVIDENCE_LEVELS,
    Attribute,
    EligibilityRule,
    HonourTitle,
    Level,
    Objection,
    Status,
)
from gonghui.honours.services import NOMINATION_MACHINE


class RoundForm(forms.Form):
    federation = ModelChoiceField(label=_("组织单位"), queryset=None)
    title = ModelChoiceField(label=_("荣誉称号"), queryset=HonourTitle.objects.all())
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("名称"), max_length=100)
    places = forms.IntegerField(label=_("推荐名额"), min_value=1, max_value=1000)
    closes_on = forms.DateField(label=_("推荐截止日期"), widget=DateInput)
    awarding_body = forms.CharField(label=_("授予机关"), max_length=100)
    single_track = forms.BooleanField(label=_("单列表彰（竞赛优胜者，须附竞赛成绩证明）"), required=False)

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations
        for value, label in Attribute.choices:
            self.fields[f"quota_{value}"] = forms.IntegerField(
                label=_("%(attr)s不低于（%%）") % {"attr": label}, min_value=1, max_value=100, required=False
            )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        quotas = {value: data.pop(f"quota_{value}") for value in Attribute.values}
        return data | {"quotas": {k: v for k, v in quotas.items() if v}}


class NominateForm(forms.Form):
    person = forms.CharField(
        label=_("候选人"), required=False, help_text=_("公民身份号码或会员证号"), max_length=32
    )
    organisation = ModelChoiceField(label=_("候选集体"), queryset=None, required=False)
    attributes = forms.MultipleChoiceField(
        label=_("候选人类别"), choices=Attribute.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    deeds = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, for_person: bool, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if for_person:
            del self.fields["organisation"]
        else:
            del self.fields["person"]
            del self.fields["attributes"]
            self.fields["organisation"].queryset = organisations


class TalentNominateForm(forms.Form):
    round = ModelChoiceField(label=_("推荐评选"), queryset=None)
    attributes = forms.MultipleChoiceField(
        label=_("候选人类别"), choices=Attribute.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    deeds = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.MultipleChoiceField(
        label=_("附成长档案材料"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, rounds, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["evidence"].choices = [
            (e.ref, f"{e.title}（{e.on:%Y-%m-%d}）") for e in evidence if e.ref
        ]


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(label=_("办理为"))
    on = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("说明（未通过须写明原因）"), max_length=200, required=False)

    def __init__(self, *args, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, Status(s).label) for s in NOMINATION_MACHINE.targets_from(status)]


class ObjectionForm(forms.Form):
    nomination = forms.TypedChoiceField(label=_("对哪位候选人"), coerce=int)
    kind = forms.ChoiceField(label=_("反映方式"), choices=Objection.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("单位名称或真实姓名"), max_length=100, required=False)
    contact = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    content = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    seal = forms.FileField(
        label=_("加盖公章的材料"),
        required=False,
        help_text=_("以单位名义反映时必须上传，PDF或JPG/PNG，不超过10 MB"),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].choices = [
            (n.pk, f"{n.candidate_name}（{n.workplace}）") for n in candidates
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TallyForm(forms.Form):
    org = forms.ChoiceField(label=_("组织"))
    year = forms.IntegerField(label=_("截至年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, roots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.code, o.name) for o in roots]


class RuleForm(forms.Form):
    federation = ModelChoiceField(label=_("制定单位"), queryset=None)
    name = forms.CharField(label=_("规则名称"), max_length=100)
    evidence_kind = forms.ChoiceField(label=_("依据类别"))
    level = forms.ChoiceField(
        label=_("级别"),
        required=False,
        choices=[("", _("不限")), *EVIDENCE_LEVELS.items()],
    )
    max_place = forms.IntegerField(label=_("名次不低于"), min_value=1, required=False)
    craft = forms.CharField(label=_("工种/项目"), max_length=50, required=False)
    min_count = forms.IntegerField(label=_("至少条数"), min_value=1, initial=1)
    outcome = forms.ChoiceField(label=_("结果"), choices=EligibilityRule.Outcome.choices)
    title = ModelChoiceField(label=_("可推荐称号"), queryset=HonourTitle.objects.all(), required=False)
    title_level = forms.ChoiceField(label=_("称号级别"), choices=[("", "—"), *Level.choices], required=False)
    outcome_label = forms.CharField(label=_("结果说明"), max_length=100, required=False)

    def __init__(self, *args, federations, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations
        self.fields["evidence_kind"].choices = kinds


class AwardForm(forms.Form):
    title = ModelChoiceField(label=_("荣誉称号"), queryset=HonourTitle.objects.all())
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices)
    year = forms.IntegerField(label=_("年度"), min_value=1950, max_value=2100)
    awarding_body = forms.CharField(label=_("授予机关"), max_length=100)
    organisation = ModelChoiceField(label=_("所在组织"), queryset=None)
    person = forms.CharField(
        label=_("获得者"), required=False, max_length=32, help_text=_("个人荣誉填写公民身份号码或会员证号")
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
