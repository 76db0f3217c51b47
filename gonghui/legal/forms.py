from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User
from gonghui.core.forms import ModelChoiceField
from gonghui.core.roles import Role
from gonghui.core.widgets import DateInput
from gonghui.legal.models import AidCase, Channel, Consultation, Dispute, DisputeBody, Lawyer, Topic
from gonghui.legal.workflow import Move
from gonghui.orgs.forms import UnionChoiceField
from gonghui.orgs.models import Organisation

ALL = [("", _("全部"))]
TEXT = forms.Textarea(attrs={"rows": 3})


class CaseFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=9999)
    state = forms.ChoiceField(label=_("状态"), required=False)
    due = forms.BooleanField(label=_("只看临近或超过期限的"), required=False)

    def __init__(self, *args, states, with_due=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = ALL + list(states)
        if not with_due:
            del self.fields["due"]


class OrgForm(forms.Form):
    """Opens a case with an organisation the officer acts for, naming the person by ID or card number."""

    org = UnionChoiceField(label=_("受理单位"), queryset=Organisation.objects.none())
    person = forms.CharField(label=_("当事人（公民身份号码或会员证号）"), max_length=30)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        if len(orgs) == 1:
            self.fields["org"].initial = orgs[0]


class LawyerChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.firm}）"


class ConsultationForm(OrgForm):
    channel = forms.ChoiceField(label=_("咨询方式"), choices=Channel.choices)
    topic = forms.ChoiceField(label=_("咨询事项"), choices=Topic.choices)
    asked_on = forms.DateField(label=_("咨询日期"), widget=DateInput, initial=timezone.localdate)
    question = forms.CharField(label=_("咨询内容"), widget=TEXT)
    lawyer = LawyerChoiceField(label=_("解答律师"), queryset=Lawyer.objects.none(), required=False)
    outcome = forms.ChoiceField(
        label=_("处理结果（已答复时填写）"),
        choices=[("", _("待答复"))] + Consultation.Outcome.choices,
        required=False,
    )
    answer = forms.CharField(label=_("答复意见"), widget=TEXT, required=False)

    def __init__(self, *args, lawyers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = lawyers


class AidForm(OrgForm):
    topic = forms.ChoiceField(label=_("案由"), choices=Topic.choices)
    applied_on = forms.DateField(label=_("申请日期"), widget=DateInput, initial=timezone.localdate)
    facts = forms.CharField(label=_("案情"), widget=TEXT)


class DisputeForm(OrgForm):
    employer_name = forms.CharField(label=_("用人单位名称"), max_length=100)
    topic = forms.ChoiceField(label=_("争议事项"), choices=Topic.choices)
    source = forms.ChoiceField(label=_("案件来源"), choices=Dispute.Source.choices)
    court = forms.CharField(label=_("委托法院"), max_length=100, required=False)
    court_case_number = forms.CharField(label=_("法院案号"), max_length=50, required=False)
    received_on = forms.DateField(label=_("收到申请日期"), widget=DateInput, initial=timezone.localdate)
    claim_amount = forms.DecimalField(label=_("请求金额（元）"), required=False, min_value=0)
    facts = forms.CharField(label=_("争议事实"), widget=TEXT)
    body_court = forms.CharField(label=_("参与单位：法院"), max_length=100, required=False)
    body_union = forms.CharField(label=_("参与单位：工会"), max_length=100, required=False)
    body_hr_bureau = forms.CharField(label=_("参与单位：人社部门"), max_length=100, required=False)
    body_other = forms.CharField(label=_("参与单位：其他"), max_length=100, required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["bodies"] = [(kind, data.pop(f"body_{kind}")) for kind in DisputeBody.Kind.values]
        return data


class MoveForm(forms.Form):
    """One move of a case's workflow: the day, and what the move asks for (legal.workflow.Move.asks)."""

    def __init__(self, *args, move: Move, lawyers=None, **kwargs):
        kwargs.setdefault("prefix", move.name.replace(".", "-"))
        super().__init__(*args, **kwargs)
        self.move = move
        self.fields["on"] = forms.DateField(label=_("办理日期"), widget=DateInput, initial=timezone.localdate)
        label = move.required.get
        for name in move.asks:
            required = name in move.required
            if name == "note":
                self.fields[name] = forms.CharField(
                    label=label(name, _("说明")), widget=forms.Textarea(attrs={"rows": 2}), required=required
                )
            elif name == "text":
                self.fields[name] = forms.CharField(
                    label=label(name, _("答复意见")), widget=TEXT, required=required
                )
            elif name == "lawyer":
                self.fields[name] = LawyerChoiceField(
                    label=label(name, _("律师")), queryset=lawyers, required=required
                )
            elif name == "outcome":
                self.fields[name] = forms.ChoiceField(
                    label=label(name, _("处理结果")), choices=Consultation.Outcome.choices
                )
            elif name == "days":
                self.fields[name] = forms.IntegerField(
                    label=label(name, _("天数")), min_value=1, max_value=15
                )
            elif name == "amount":
                self.fields[name] = forms.DecimalField(label=_("协议金额（元）"), required=False, min_value=0)
            elif name == "confirmation":
                self.fields[name] = forms.ChoiceField(
                    label=label(name, _("司法确认")), choices=Dispute.Confirmation.choices[1:]
                )
        for name, what in move.required.items():  # the service's own words, before it is called
            self.fields[name].error_messages["required"] = format_lazy(_("请填写{}"), what)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("材料名称"), max_length=100)
    on = forms.DateField(label=_("收到日期"), widget=DateInput, initial=timezone.localdate)
    text = forms.CharField(label=_("材料内容"), widget=TEXT)


class LawyerForm(forms.Form):
    user = ModelChoiceField(label=_("登录账号"), queryset=User.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    firm = forms.CharField(label=_("律师事务所"), max_length=100)
    licence_number = forms.CharField(label=_("执业证号"), max_length=17)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    specialities = forms.MultipleChoiceField(
        label=_("擅长领域"),
        choices=Lawyer.Speciality.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    engaged_by = UnionChoiceField(label=_("聘请单位"), queryset=Organisation.objects.none())
    term_start = forms.DateField(label=_("聘期开始"), widget=DateInput)
    term_end = forms.DateField(label=_("聘期结束"), widget=DateInput)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engaged_by"].queryset = orgs
        self.fields["user"].queryset = User.objects.filter(role=Role.LAWYER, lawyer__isnull=True).order_by(
            "username"
        )


class AskForm(forms.Form):
    topic = forms.ChoiceField(label=_("咨询事项"), choices=Topic.choices)
    question = forms.CharField(label=_("您的问题"), widget=forms.Textarea(attrs={"rows": 4}))


STATE_CHOICES = {
    "consultation": Consultation.State.choices,
    "aid": AidCase.State.choices,
    "dispute": Dispute.State.choices,
}
