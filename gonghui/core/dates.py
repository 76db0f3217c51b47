"""Date arithmetic the apps share: years added (terms, anniversaries), a term's last day, the
"not in the future" rule with a message naming the field."""

from datetime import date, timedelta

from gonghui.core.errors import on_field
from gonghui.core.validators import validate_not_future


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end_for(start: date, years: int) -> date:
    """The last day of a term of `years` years that starts on `start` (a term from 2024-03-01 for three
    years ends on 2027-02-28)."""
    return add_years(start, years) - timedelta(days=1)


def not_future(value: date, *, field: str, label: str) -> date:
    """validate_not_future, its error attached to the form field `field`."""
    return on_field(field, lambda day: validate_not_future(day, label), value)
