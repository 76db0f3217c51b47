from decimal import Decimal

from gonghui.reports.templatetags.figures import figure, signed


def test_counts_and_money_are_written_with_thousands_separators():
    assert figure(1846) == "1,846"
    assert figure(Decimal("166500")) == "166,500.00"
    assert figure("293990.00") == "293,990.00"  # money as the KPIs give it, a decimal string
    assert signed(Decimal("-127490.00")) == "−127,490.00"


def test_a_rate_has_one_decimal_and_text_stays_text():
    assert figure(75.0, "%") == "75.0%"
    assert figure("—") == "—"
    assert figure(None) == "—"
