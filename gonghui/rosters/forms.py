from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.rosters.excel import max_file_bytes

SUFFIXES = (".xlsx", ".xls", ".ods")


class UploadForm(forms.Form):
    union = forms.ModelChoiceField(label=_("导入到工会"), queryset=None, empty_label=None)
    file = forms.FileField(label=_("名册文件（.xlsx、.xls 或 .ods）"))

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["union"].label_from_instance = lambda u: f"{u.name}（{u.code}）"
        self.fields["file"].widget.attrs["accept"] = ",".join(SUFFIXES)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("请上传 .xlsx、.xls 或 .ods 格式的名册"))
        if upload.size > max_file_bytes():
            raise forms.ValidationError(
                _("文件大小超过上限（%(mb)d MB）") % {"mb": max_file_bytes() // (1024 * 1024)}
            )
        return upload
