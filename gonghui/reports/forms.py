from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.forms import UnionChoiceField
from gonghui.orgs.models import Organisation
from gonghui.reports import selectors


class ReportForm(forms.Form):
    org = UnionChoiceField(label=_("组织"), queryset=Organisation.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("年度"), min_value=1900, max_value=9999)

    def __init__(self, *args, roots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = roots

    def clean(self):
        data = super().clean()
        if data.get("org") is not None and data.get("year") is not None:
            selectors.check_year(data["org"], data["year"])
        return data
