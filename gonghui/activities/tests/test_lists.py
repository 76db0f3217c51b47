"""The welfare distributions as keyset pages: the next page by its cursor with ?year= kept, an
altered cursor answered with the first page, a jump by date, another union's never shown."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from gonghui.activities.models import WelfareDistribution
from gonghui.activities.tests.factories import make_distribution
from gonghui.core.tests.keyset_pages import clones, pages

pytestmark = pytest.mark.django_db


def test_the_welfare_list_pages_by_cursor_for_its_union_only(
    client, union_a, union_b, admin_a, admin_b, django_assert_num_queries
):
    ours = make_distribution(union_a, by=admin_a)
    client.force_login(admin_a)
    client.get(reverse("activities:welfare_list"))
    # session, user, the page with its recipients' count and total (a keyset page: nothing counted)
    with django_assert_num_queries(3):
        client.get(reverse("activities:welfare_list"))
    clones(ours, 60, distributed_on=lambda i: date(2024, 1, 1) + timedelta(days=i))
    clones(make_distribution(union_b, by=admin_b), 5)
    with django_assert_num_queries(3):
        client.get(reverse("activities:welfare_list"))
    first, second = pages(client, reverse("activities:welfare_list"), {"year": 2024})
    shown = WelfareDistribution.objects.filter(pk__in=first + second)
    assert set(shown.values_list("union", flat=True)) == {union_a.pk} and len(shown) == 61
    jumped = client.get(reverse("activities:welfare_list"), {"from": "2024-01-31"}).context["page"]
    assert jumped.jumped and jumped[0].distributed_on == date(2024, 1, 31)
