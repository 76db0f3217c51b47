"""The security administrator's list of accounts as keyset pages: the next page by its cursor with
the search kept, an altered cursor answered with the first page."""

import pytest
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.core.tests.keyset_pages import clones, pages

pytestmark = pytest.mark.django_db


def test_the_accounts_page_by_cursor_and_keep_the_search(client, admin_a):
    security = User.objects.create(username="security", role=Role.SECURITY_ADMIN)
    clones(admin_a, 60, username=lambda i: f"admin-x{i:02d}")
    client.force_login(security)
    first, second = pages(client, reverse("accounts:security_users"), {"q": "admin-x"})
    assert sorted(User.objects.filter(pk__in=first + second).values_list("username", flat=True)) == [
        f"admin-x{i:02d}" for i in range(60)
    ]
