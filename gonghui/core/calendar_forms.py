from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import CalendarDay


class CalendarYearFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={
            "invalid": _("年份应是四位数字，如2027"),
            "min_value": _("年份应在1900至2100之间"),
            "max_value": _("年份应在1900至2100之间"),
        },
    )


class CalendarCorrectionForm(forms.Form):
    start = forms.DateField(
        label=_("开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写开始日期"), "invalid": _("开始日期格式不对，应如2027-02-05")},
    )
    end = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("只录入一天时可不填"),
        error_messages={"invalid": _("结束日期格式不对，应如2027-02-13")},
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=CalendarDay.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择类型"), "invalid_choice": _("类型只能是“放假”或“上班”")},
    )
    name = forms.CharField(
        label=_("节日"),
        required=False,
        max_length=50,
        help_text=_("如春节；调休上班可填所调的节日"),
        error_messages={"max_length": _("节日最多50个字")},
    )
    note = forms.CharField(
        label=_("依据"),
        required=False,
        max_length=200,
        help_text=_("如国务院办公厅通知的文号"),
        error_messages={"max_length": _("依据最多200个字")},
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and not data.get("end") and "end" not in self.errors:
            data["end"] = data["start"]
        return data
