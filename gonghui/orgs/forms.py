from django import forms
from django.utils.translation import gettext_lazy as _


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
