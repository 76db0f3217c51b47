import pytest

from conftest import _user
from gonghui.core.roles import Role
from gonghui.orgs.tests.factories import EnterpriseFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def leader(zone):
    """A second officer of the zone federation: approves what `officer` carried."""
    return _user("leader", Role.FEDERATION_STAFF, zone)


@pytest.fixture
def target_enterprise(zone):
    """An enterprise of the zone without a union: 130 staff, founded in 2021."""
    return EnterpriseFactory(name="丙储能科技有限公司", federation=zone, headcount=130)
