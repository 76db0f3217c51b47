from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core import registry
from gonghui.core.models import AuditLog
from gonghui.core.widgets import DateInput

CHOOSE = _("请选择")


class ModelChoiceField(forms.ModelChoiceField):
    """A model choice whose empty option reads 请选择 (Django's is a row of dashes)."""

    def __init__(self, *args, empty_label=CHOOSE, **kwargs):
        super().__init__(*args, empty_label=empty_label, **kwargs)


class AuditFilterForm(forms.Form):
    SECURITY = "security"

    actor = forms.CharField(label=_("账号"), required=False)
    action = forms.ChoiceField(label=_("操作"), required=False)
    result = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部"))] + AuditLog.Result.choices
    )
    since = forms.DateField(label=_("起始日期"), required=False, widget=DateInput)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("全部")),
            (self.SECURITY, _("安全事件（登录、失败、锁定、拒绝访问）")),
            *sorted(((a.key, a.label) for a in registry.audit_actions), key=lambda c: c[0]),
        ]


def run_service(form: forms.Form, service, /, **kwargs):
    """Calls a service; its ValidationError lands on the form's fields (or on the form). None on error."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None
