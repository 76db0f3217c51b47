"""Workbooks we write: text stays text.

xlsxwriter's write() turns a string that starts with "=" into a formula and a numeric string into a
number; an organisation called "=HYPERLINK(…)" or an ID number would change meaning in the file
(formula injection, lost digits). Every workbook of ours is opened here, with both conversions off.
"""

import xlsxwriter

SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def workbook(out, **options) -> xlsxwriter.Workbook:
    """out: a path or a binary file object; options: xlsxwriter's (in_memory, constant_memory…)."""
    return xlsxwriter.Workbook(out, {**options, **SAFE_OPTIONS})
