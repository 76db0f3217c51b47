"""The roll of honours as keyset pages (it used to stop at 500 rows): the next page by its cursor
with ?year= kept, an altered cursor answered with the first page, the same queries at one award as
at many, another union's awards out of a union admin's view."""

import pytest
from django.urls import reverse

from gonghui.core.tests.keyset_pages import clones, pages
from gonghui.honours import services
from gonghui.honours.models import Award
from gonghui.honours.tests.factories import title

pytestmark = pytest.mark.django_db


def award(union, by, year=2024):
    return services.award_record(
        title=title("model_workers_home"), level="city", year=year, awarding_body="某某", organisation=union, by=by
    )  # fmt: skip


def test_the_roll_pages_by_cursor_for_its_union_only(
    client, officer, union_a, union_b, admin_a, django_assert_num_queries
):
    ours = award(union_a, officer)
    client.force_login(admin_a)
    client.get(reverse("honours:award_list"))
    with django_assert_num_queries(QUERIES):
        client.get(reverse("honours:award_list"), {"year": 2024})
    clones(ours, 60)
    clones(award(union_b, officer), 5)
    with django_assert_num_queries(QUERIES):
        client.get(reverse("honours:award_list"), {"year": 2024})
    first, second = pages(client, reverse("honours:award_list"), {"year": 2024})
    shown = Award.objects.filter(pk__in=first + second)
    assert set(shown.values_list("organisation", flat=True)) == {union_a.pk} and len(shown) == 61


# session, user, the page of awards with title, person and organisation (a keyset page: nothing
# counted)
QUERIES = 3
