from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.api.services import MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("如：人社局数据交换"))
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=MAX_DAYS, initial=90)
