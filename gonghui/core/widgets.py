from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # what <input type=date> shows, in any language
        super().__init__(attrs, format=format)
