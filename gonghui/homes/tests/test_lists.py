"""The workers' homes as keyset pages: the next page by its cursor, an altered cursor answered with
the first page, another union's homes never shown."""

import pytest
from django.urls import reverse

from gonghui.core.tests.keyset_pages import clones, pages
from gonghui.homes.models import WorkerHome
from gonghui.homes.tests.factories import make_home

pytestmark = pytest.mark.django_db


def test_the_home_list_pages_by_cursor_for_its_union_only(client, union_a, union_b, admin_a, admin_b):
    clones(make_home(union_a, by=admin_a), 60, name=lambda i: f"职工之家{i:02d}")
    clones(make_home(union_b, by=admin_b), 5)
    client.force_login(admin_a)
    first, second = pages(client, reverse("homes:home_list"))
    shown = WorkerHome.objects.filter(pk__in=first + second)
    assert set(shown.values_list("union", flat=True)) == {union_a.pk} and len(shown) == 61
