"""The people of the tests: a federation officer, the admins of unions A and B, a worker, an outsider.

Every view and API test tries the outsider (union B's admin on union A's objects).
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from gonghui.accounts.models import User
from gonghui.accounts.second_factor import mark_verified
from gonghui.core import audit, workdays
from gonghui.core.roles import Role
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server with sync Playwright
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    browser_tests = [item for item in items if "browser" in item.keywords]
    if not browser_tests or shutil.which(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"CI needs Chromium at {CHROMIUM} for the browser journeys (apt-get install chromium)"
        )
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM}: apt-get install chromium to run the browser journeys"
    )
    for item in browser_tests:
        item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def force_login_completes_the_sign_in():
    """`client.force_login(user)` gives a fully signed-in session, second factor verified, as after
    the whole sign-in. Tests of the sign-in itself go through its pages (accounts/tests)."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        mark_verified(session)
        session.save()

    Client.force_login = force_login
    yield
    Client.force_login = original


@pytest.fixture(autouse=True, scope="session")
def flushable_audit_log():
    """Django empties the SQLite test database between transactional tests with DELETE, which the
    audit log's trigger refuses unless this process unseals it (PostgreSQL's flush truncates)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    operations = DatabaseWrapper.ops_class
    flush = operations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with audit.unsealed():
            return flush(self, sql_list)

    operations.execute_sql_flush = execute_sql_flush
    yield
    operations.execute_sql_flush = flush


@pytest.fixture(autouse=True)
def fresh_cache(request, django_db_blocker):
    """Counters kept in the cache (refusals per user) start at nought: user ids repeat across tests.
    The cache is a database table: a test's transaction takes its rows away; a test that commits
    (transactional_db, live_server) has them cleared after it, as its tables are flushed."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and marker.kwargs.get("transaction")
    if committed or {"transactional_db", "live_server"} & set(request.fixturenames):
        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (a request in English leaves it active in the thread)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fresh_working_day_calendar():
    """Calendar corrections are cached per process; those a test rolled back must not reach the next."""
    workdays.invalidate()


@pytest.fixture
def zone(db):
    city = OrganisationFactory(code="CITY", name="测试市总工会", kind=Organisation.Kind.CITY_FEDERATION)
    return OrganisationFactory(
        code="ZONE", name="测试园区总工会", kind=Organisation.Kind.ZONE_FEDERATION, parent=city
    )


@pytest.fixture
def union_a(zone):
    return OrganisationFactory(code="UA", name="甲公司工会", parent=zone)


@pytest.fixture
def union_b(zone):
    return OrganisationFactory(code="UB", name="乙公司工会", parent=zone)


@pytest.fixture
def enterprise_a(union_a):
    return EnterpriseFactory(name="甲锂电有限公司", union=union_a)


@pytest.fixture
def enterprise_b(union_b):
    return EnterpriseFactory(name="乙新能源有限公司", union=union_b)


def _user(username, role, organisation=None, person=None):
    user = User(username=username, role=role, organisation=organisation, person=person)
    user.set_password("Test-password-2025")
    user.save()
    return user


@pytest.fixture
def officer(zone):
    return _user("officer", Role.FEDERATION_STAFF, zone)


@pytest.fixture
def city_officer(zone):
    return _user("city-officer", Role.FEDERATION_STAFF, zone.parent)


@pytest.fixture
def admin_a(union_a):
    return _user("admin-a", Role.UNION_ADMIN, union_a)


@pytest.fixture
def admin_b(union_b):
    return _user("admin-b", Role.UNION_ADMIN, union_b)


@pytest.fixture
def platform_admin(db):
    return _user("platform", Role.PLATFORM_ADMIN)


@pytest.fixture
def member_a(union_a, enterprise_a):
    return make_member(union_a, name="张三", enterprise=enterprise_a)


@pytest.fixture
def member_b(union_b, enterprise_b):
    return make_member(union_b, name="李四", enterprise=enterprise_b)


@pytest.fixture
def worker(member_a):
    return _user("worker-a", Role.WORKER, person=member_a.person)


@pytest.fixture
def academy_staff(zone):
    return _user("academy", Role.ACADEMY_STAFF, zone)


@pytest.fixture
def lawyer(db):
    return _user("lawyer", Role.LAWYER)
