from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User
from gonghui.core.forms import ModelChoiceField
from gonghui.core.widgets import DateInput
from gonghui.coverage.models import Step
from gonghui.coverage.services import TERM_YEARS
from gonghui.members.models import Person


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    include_key = forms.BooleanField(label=_("重点企业"), required=False, initial=True)
    include_large = forms.BooleanField(label=_("百人以上企业"), required=False, initial=True)
    min_headcount = forms.IntegerField(label=_("职工人数下限"), min_value=1, initial=100)
    include_new_form = forms.BooleanField(label=_("新就业形态企业"), required=False, initial=True)


class TargetFilterForm(forms.Form):
    q = forms.CharField(label=_("企业名称或信用代码"), required=False)
    category = forms.ChoiceField(label=_("类别"), required=False)
    status = forms.ChoiceField(label=_("进展"), required=False)
    officer = forms.ChoiceField(label=_("责任人"), required=False)
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("name", _("企业名称")),
            ("-headcount", _("职工人数（多到少）")),
            ("founded_on", _("企业成立日期（早到晚）")),
            ("last_visit", _("最近走访（早到晚）")),
            ("state", _("建会步骤")),
        ],
    )

    def __init__(self, *args, categories: dict, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("全部")), *categories.items()]
        self.fields["status"].choices = [
            ("", _("全部")),
            ("uncovered", _("未建会")),
            ("covered", _("已建会")),
            ("past_line", _("成立超过一年未建会")),
            ("no_visit", _("90天内未走访")),
            ("not_started", _("尚未启动建会")),
            *[(s.value, _("建会步骤：%(step)s") % {"step": s.label}) for s in Step if s != Step.ESTABLISHED],
        ]
        self.fields["officer"].choices = [
            ("", _("全部")),
            ("none", _("未指定")),
            *[(str(u.pk), u.get_full_name() or u.username) for u in officers],
        ]


class OfficerChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class OfficerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AssignForm(forms.Form):
    officer = OfficerChoiceField(
        label=_("责任人"), queryset=User.objects.none(), required=False, empty_label=_("（不指定）")
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ofd"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class StepForm(forms.Form):
    """A step of the founding workflow: the date, a note and documents; subclasses add the step's content."""

    on = forms.DateField(label=_("办理日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    documents = MultipleFileField(
        label=_("材料"), required=False, help_text=_("PDF、JPG/PNG、Word、Excel或OFD，单个文件不超过10 MB")
    )

    def __init__(self, *args, founding=None, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.founding = founding

    def step_data(self) -> dict:
        return {}


class PreparatoryForm(StepForm):
    members = forms.CharField(
        label=_("筹备组成员"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("每行一人，3至5人")
    )

    def step_data(self):
        return {"members": lines(self.cleaned_data["members"])}


class GroupsForm(StepForm):
    groups = forms.CharField(
        label=_("工会小组"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("每行一个小组")
    )

    def step_data(self):
        return {"groups": lines(self.cleaned_data["groups"])}


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.id_masked}）"


class PersonChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.id_masked}）"


class SlateForm(StepForm):
    candidates = PersonMultipleChoiceField(
        label=_("批准的候选人"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates

    def step_data(self):
        return {"candidates": [p.pk for p in self.cleaned_data["candidates"]]}


class AssemblyForm(StepForm):
    expected = forms.IntegerField(label=_("应到人数"), min_value=1)
    present = forms.IntegerField(label=_("实到人数"), min_value=1)

    def step_data(self):
        return {"expected": self.cleaned_data["expected"], "present": self.cleaned_data["present"]}


class ElectionForm(StepForm):
    chair = PersonChoiceField(label=_("工会主席"), queryset=Person.objects.none())
    vice_chairs = PersonMultipleChoiceField(
        label=_("副主席"), queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    committee = PersonMultipleChoiceField(
        label=_("委员"), queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    audit_chair = PersonChoiceField(label=_("经费审查委员会主任"), queryset=Person.objects.none())
    audit_members = PersonMultipleChoiceField(
        label=_("经费审查委员会委员"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    term_years = forms.TypedChoiceField(
        label=_("每届任期（年）"), coerce=int, choices=[(y, y) for y in TERM_YEARS], initial=5
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "vice_chairs", "committee", "audit_chair", "audit_members"):
            self.fields[name].queryset = candidates

    def step_data(self):
        data = self.cleaned_data
        return {
            "chair": data["chair"].pk,
            "vice_chairs": [p.pk for p in data["vice_chairs"]],
            "committee": [p.pk for p in data["committee"]],
            "audit_chair": data["audit_chair"].pk,
            "audit_members": [p.pk for p in data["audit_members"]],
            "term_years": data["term_years"],
        }


class EstablishedForm(StepForm):
    code = forms.CharField(label=_("工会代码"), max_length=32)
    name = forms.CharField(label=_("工会名称"), max_length=100)

    def step_data(self):
        return {"code": self.cleaned_data["code"], "name": self.cleaned_data["name"]}


STEP_FORMS = {
    Step.PREPARATORY: PreparatoryForm,
    Step.GROUPS: GroupsForm,
    Step.SLATE: SlateForm,
    Step.ASSEMBLY: AssemblyForm,
    Step.ELECTION: ElectionForm,
    Step.ESTABLISHED: EstablishedForm,
}


class DropForm(forms.Form):
    on = forms.DateField(label=_("终止日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("终止原因"), widget=forms.Textarea(attrs={"rows": 3}))


class StartForm(forms.Form):
    on = forms.DateField(label=_("启动日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class RecruitForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=30)
    mobile = forms.CharField(label=_("手机号码"), max_length=20)
    registered_on = forms.DateField(label=_("登记日期"), widget=DateInput, initial=timezone.localdate)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput, initial=timezone.localdate)
    officers = OfficerMultipleChoiceField(
        label=_("走访人员"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    discussed = forms.CharField(label=_("走访内容"), widget=forms.Textarea(attrs={"rows": 4}))
    next_step = forms.CharField(
        label=_("下一步工作"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officers
