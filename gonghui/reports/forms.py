from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.forms import UnionChoiceField
from gonghui.orgs.models import Organisation


class ReportForm(forms.Form):
    org = UnionChoiceField(label=_("组织"), queryset=Organisation.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, roots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = roots
