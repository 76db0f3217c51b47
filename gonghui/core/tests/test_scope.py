import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from gonghui.accounts.models import User
from gonghui.core.roles import Role
from gonghui.core.scope import NOBODY, NotInScope, Reach, SystemActor, Visibility, scope_of
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_platform_admins_reach_every_row_explicitly(platform_admin, member_a, member_b):
    scope = scope_of(platform_admin)
    assert scope.everything and scope.role == Role.PLATFORM_ADMIN
    assert Membership.objects.visible_to(platform_admin).count() == 2
    assert scope_of(SystemActor("ops")).everything


def test_a_condition_that_would_reach_every_row_is_refused(member_a, admin_a):
    widening = Visibility(read={Role.UNION_ADMIN: lambda scope: Q()})
    with pytest.raises(ImproperlyConfigured, match="empty"):
        widening.filter(Membership.objects.all(), scope_of(admin_a), write=False)


def test_a_reach_needs_its_lookup():
    with pytest.raises(ImproperlyConfigured, match="no union lookup"):
        Visibility(read={Role.UNION_ADMIN: Reach.UNION})
    with pytest.raises(ImproperlyConfigured, match="may write but not read"):
        Visibility(tree="path", read={Role.FEDERATION_STAFF: Reach.TREE}, write=[Role.UNION_ADMIN])


def test_roles_not_named_reach_nothing(lawyer, academy_staff, member_a):
    for user in (lawyer, academy_staff):
        assert not Membership.objects.visible_to(user).exists()
        assert not Person.objects.visible_to(user).exists()


def test_a_worker_reaches_their_own_rows_and_changes_none(worker, member_a, member_b):
    assert list(Membership.objects.visible_to(worker)) == [member_a]
    assert list(Person.objects.visible_to(worker)) == [member_a.person]
    assert not Membership.objects.writable_by(worker).exists()


def test_nobody_reaches_anything(member_a, zone):
    inactive = User(username="gone", role=Role.FEDERATION_STAFF, organisation=zone, is_active=False)
    stray = User(username="stray", role=Role.FEDERATION_STAFF)  # no organisation
    for user in (None, inactive, stray):
        assert scope_of(user) is NOBODY
        assert not Organisation.objects.visible_to(user).exists()
    with pytest.raises(NotInScope):
        NOBODY.require("audit.read")


def test_federation_staff_reach_their_subtree_only(officer, zone, union_a):
    other_zone = Organisation(
        code="Z2", name="另一园区", kind=Organisation.Kind.ZONE_FEDERATION, parent=zone.parent
    )
    other_zone.place_in_tree()
    other_zone.save()
    assert set(Organisation.objects.visible_to(officer)) == {zone, union_a}
    with pytest.raises(NotInScope):
        Organisation.objects.visible_to(officer).require(other_zone)


def test_the_scope_is_built_once_per_user_object(officer, django_assert_num_queries):
    user = User.objects.get(pk=officer.pk)
    with django_assert_num_queries(1):  # the organisation, for its path
        for _ in range(5):
            scope_of(user)
    assert scope_of(user).path == "/CITY/ZONE/"
