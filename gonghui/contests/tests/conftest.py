import pytest

from gonghui.contests.tests.factories import make_contest, make_event, make_panel


@pytest.fixture
def event(zone, officer):
    """叉车 of a 2024 zone contest, marked 理论 30% + 实操 70% (see factories.make_event)."""
    return make_event(make_contest(zone, by=officer), by=officer)


@pytest.fixture
def panel(event, officer):
    return make_panel(event, by=officer)
