"""The contest list as keyset pages of 30: the next page by its cursor with ?year= kept, an
altered cursor answered with the first page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from gonghui.contests.tests.factories import make_contest
from gonghui.core.tests.keyset_pages import pages

pytestmark = pytest.mark.django_db


def test_the_contest_list_pages_by_cursor_and_keeps_its_year(client, zone, officer):
    made = [make_contest(zone, by=officer, held_on=date(2024, 1, 1) + timedelta(days=i)) for i in range(35)]
    make_contest(zone, by=officer, held_on=date(2023, 5, 1))
    client.force_login(officer)
    first, second = pages(client, reverse("contests:contest_list"), {"year": 2024})
    assert len(first) == 30 and sorted(first + second) == sorted(c.pk for c in made)
