from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import ModelChoiceField
from gonghui.core.widgets import DateInput
from gonghui.orgs.models import Officer


class UnionChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False)
    category = forms.ChoiceField(
        label=_("类别"),
        required=False,
        choices=[
            ("", _("全部")),
            ("key", _("重点企业")),
            ("large", _("百人以上企业")),
            ("new_form", _("新就业形态企业")),
        ],
    )
    has_union = forms.ChoiceField(
        label=_("是否建会"),
        required=False,
        choices=[
            ("", _("全部")),
            ("yes", _("已建会")),
            ("no", _("未建会")),
        ],
    )


class OfficerForm(forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=30, help_text=_("须为本工会在册会员"))
    role = forms.ChoiceField(label=_("职务"), choices=Officer.Role.choices)
    term_start = forms.DateField(label=_("任期开始"), widget=DateInput)
    term_end = forms.DateField(label=_("任期届满"), widget=DateInput)


class StandDownForm(forms.Form):
    on = forms.DateField(label=_("卸任日期"), widget=DateInput, initial=timezone.localdate)
