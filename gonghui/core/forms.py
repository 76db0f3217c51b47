from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import AuditLog


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("账号"), required=False)
    action = forms.CharField(label=_("操作"), required=False)
    result = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部"))] + AuditLog.Result.choices
    )
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


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
