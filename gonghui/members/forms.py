from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import ModelChoiceField
from gonghui.core.widgets import DateInput
from gonghui.orgs.forms import UnionChoiceField
from gonghui.orgs.models import Enterprise, Organisation


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名、拼音首字母、手机号或公民身份号码"), required=False)
    union = forms.CharField(label=_("工会代码"), required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("active", _("在册")),
            ("ended", _("已转出或退会")),
            ("all", _("全部")),
        ],
    )


class JoinForm(forms.Form):
    union = UnionChoiceField(label=_("工会"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=30)
    mobile = forms.CharField(label=_("手机号码"), max_length=20)
    enterprise = ModelChoiceField(label=_("用工单位"), queryset=Enterprise.objects.none(), required=False)
    started_on = forms.DateField(label=_("入会日期"), widget=DateInput, initial=timezone.localdate)
    card_number = forms.CharField(label=_("会员证号"), max_length=32, required=False)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False)
    education = forms.CharField(label=_("学历"), max_length=20, required=False)
    occupation = forms.CharField(label=_("工种"), max_length=50, required=False)
    skill_level = forms.CharField(label=_("技能等级"), max_length=20, required=False)

    def __init__(self, *args, unions, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["enterprise"].queryset = enterprises
        if len(unions) == 1:
            self.fields["union"].initial = unions[0]


class EnterpriseOfUnionField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.union.name}）"


class TransferForm(forms.Form):
    to_union = UnionChoiceField(label=_("转入工会"), queryset=Organisation.objects.none())
    enterprise = EnterpriseOfUnionField(
        label=_("转入后的用工单位"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("须为转入工会覆盖的企业；不填时，转入工会只覆盖一家企业的即为该企业"),
    )
    on = forms.DateField(label=_("接转日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, targets, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_union"].queryset = targets
        self.fields["enterprise"].queryset = enterprises


class LeaveForm(forms.Form):
    on = forms.DateField(label=_("退会日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("原因"), max_length=200, required=False)
