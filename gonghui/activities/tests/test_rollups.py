"""The activity and welfare roll-ups equal the raw computation whatever the sequence of activities,
registrations, attendances (recorded again), cancellations and welfare distributions; a rebuild
gives the rows the services kept; the KPIs read them in one query per group."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gonghui.accounts.models import User
from gonghui.activities import services
from gonghui.activities.models import Activity, ActivityMonth, Registration, WelfareDistribution
from gonghui.activities.tests.raw import raw_figures
from gonghui.core import registry
from gonghui.core.roles import Role
from gonghui.members.tests.factories import SETUP, make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.services import organisation_create

YEARS = range(2021, 2025)


def rows(model) -> set:
    """The non-zero rows (a change undone leaves a row of zeros behind, a rebuild none)."""
    fields = [f.attname for f in model._meta.fields if f.name != "id"]
    return {r for r in model.objects.values_list(*fields) if any(r[2:])}


KINDS = [Activity.Kind.LECTURE, Activity.Kind.STUDY_SESSION, Activity.Kind.OUTING, Activity.Kind.OTHER]

operation = st.tuples(
    st.sampled_from(
        ["activity"] * 2 + ["register"] * 4 + ["attend"] * 2 + ["cancel", "welfare", "add", "sign"]
    ),
    st.integers(0, 6),  # an organisation, a kind, a person
    st.integers(0, 5),  # an activity or a distribution (the n-th from the last), a person
    st.integers(0, 1500),  # days after 1 January 2021
    st.sets(st.integers(0, 5), max_size=6),  # who attended (positions among the registrations)
)


def tree():
    def org(code, kind, parent):
        return organisation_create(
            code=code, name=code, kind=kind, parent=parent, established_on=date(2015, 1, 1), by=SETUP
        )

    city = org("CITY", Organisation.Kind.CITY_FEDERATION, None)
    zone = org("ZONE", Organisation.Kind.ZONE_FEDERATION, city)
    zone2 = org("ZONE2", Organisation.Kind.ZONE_FEDERATION, city)
    unions = [
        org("U0", Organisation.Kind.ENTERPRISE_UNION, zone),
        org("U1", Organisation.Kind.ENTERPRISE_UNION, zone),
    ]
    unions += [
        org("U2", Organisation.Kind.ENTERPRISE_UNION, zone2),
        org("UC", Organisation.Kind.ENTERPRISE_UNION, city),
    ]
    return [city, zone, zone2, *unions], unions


def officers():
    made = []
    for name in ("rollups-a", "rollups-b"):
        user = User(username=name, role=Role.PLATFORM_ADMIN)
        user.set_password("Test-password-2025")
        user.save()
        made.append(user)
    return made


class RollupsEqualTheRawFigures(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=10, max_size=40))
    def test_random_histories(self, operations):
        organisations, unions = tree()
        first, second = officers()
        people = [make_member(unions[i % len(unions)]).person for i in range(6)]
        for kind, which, nth, days, present in operations:
            day = date(2021, 1, 1) + timedelta(days=days)
            activities = list(Activity.objects.order_by("pk"))
            distributions = list(WelfareDistribution.objects.order_by("pk"))
            try:
                if kind == "activity":
                    services.activity_create(
                        organiser=organisations[which],
                        kind=KINDS[which % len(KINDS)],
                        title="活动",
                        held_on=day,
                        by=first,
                    )
                elif kind == "register" and activities:
                    activity = activities[-1 - nth % len(activities)]
                    services.activity_register(activity=activity, person=people[which % 6], by=first)
                elif kind == "attend" and activities:
                    activity = activities[-1 - nth % len(activities)]
                    registered = list(activity.registrations.order_by("pk").values_list("pk", flat=True))
                    attended = [registered[i] for i in present if i < len(registered)]
                    services.activity_record_attendance(activity=activity, attended=attended, by=first)
                elif kind == "cancel" and activities:
                    services.activity_cancel(activity=activities[-1 - nth % len(activities)], by=first)
                elif kind == "welfare":
                    services.welfare_create(
                        union=unions[which % len(unions)],
                        title="慰问",
                        occasion=WelfareDistribution.Occasion.HOLIDAY,
                        distributed_on=day,
                        item="月饼",
                        amount=Decimal("100.00"),
                        by=first,
                    )
                elif kind == "add" and distributions:
                    distribution = distributions[-1 - nth % len(distributions)]
                    services.welfare_add_recipient(
                        distribution=distribution, person=people[which % 6], by=first
                    )
                elif kind == "sign" and distributions:
                    distribution = distributions[-1 - nth % len(distributions)]
                    services.welfare_sign_off(distribution=distribution, by=second)
            except ValidationError:
                pass  # a move the services refuse (an activity already held, an empty list…)
        for root in organisations:
            for year in YEARS:
                ours = (
                    registry.kpis["activities.held"].compute(root, year)
                    | registry.kpis["activities.attendees"].compute(root, year)
                    | registry.kpis["activities.welfare"].compute(root, year)
                )
                assert ours == raw_figures(root, year), (root.code, year)
        kept = rows(ActivityMonth)
        call_command("rollups_rebuild", stdout=StringIO())
        assert rows(ActivityMonth) == kept


@pytest.fixture
def world(db):
    organisations, unions = tree()
    return organisations, unions, officers()


def test_attendance_recorded_again_replaces_the_count(world):
    (city, zone, *_), unions, (first, _second) = world
    people = [make_member(unions[0]).person for _ in range(3)]
    activity = services.activity_create(
        organiser=unions[0], kind=Activity.Kind.LECTURE, title="宣讲会", held_on=date(2024, 12, 31), by=first
    )
    registered = [services.activity_register(activity=activity, person=p, by=first).pk for p in people]
    services.activity_record_attendance(activity=activity, attended=registered, by=first)
    services.activity_record_attendance(activity=activity, attended=registered[:1], by=first)
    for root in (city, zone, unions[0]):
        figures = registry.kpis["activities.held"].compute(root, 2024) | registry.kpis[
            "activities.attendees"
        ].compute(root, 2024)
        assert figures["activity_attendees"] == {"value": 1, "previous": 0}
        assert figures["lectures"] == figures["activities"] == {"value": 1, "previous": 0}
    assert registry.kpis["activities.held"].compute(unions[1], 2024)["activities"]["value"] == 0
    assert registry.kpis["activities.held"].compute(city, 2025)["activities"] == {"value": 0, "previous": 1}


def test_a_cancelled_activity_and_an_unsigned_distribution_count_nothing(world):
    (city, *_), unions, (first, second) = world
    person = make_member(unions[0]).person
    activity = services.activity_create(
        organiser=city, kind=Activity.Kind.OUTING, title="出游", held_on=date(2024, 5, 1), by=first
    )
    services.activity_register(activity=activity, person=person, by=first)
    services.activity_cancel(activity=activity, by=first)
    draft = services.welfare_create(
        union=unions[0],
        title="慰问",
        occasion=WelfareDistribution.Occasion.SUMMER,
        distributed_on=date(2024, 7, 1),
        item="绿豆汤",
        amount=Decimal("20.00"),
        by=first,
    )
    services.welfare_add_recipient(distribution=draft, person=person, by=first)
    assert not rows(ActivityMonth)
    services.welfare_sign_off(distribution=draft, by=second)
    assert registry.kpis["activities.welfare"].compute(city, 2024)["welfare_recipients"] == {
        "value": 1,
        "previous": 0,
    }
    assert registry.kpis["activities.welfare"].compute(unions[1], 2024)["welfare_recipients"]["value"] == 0
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("activities", [1, 20])
def test_each_group_is_one_query_whatever_the_size(world, activities, django_assert_num_queries):
    (city, *_), unions, (first, _second) = world
    for i in range(activities):
        activity = services.activity_create(
            organiser=unions[i % 4],
            kind=KINDS[i % 4],
            title="活动",
            held_on=date(2024, 1 + i % 12, 1),
            by=first,
        )
        services.activity_record_attendance(activity=activity, attended=[], by=first)
    for compute in (
        registry.kpis["activities.held"].compute,
        registry.kpis["activities.attendees"].compute,
        registry.kpis["activities.welfare"].compute,
    ):
        with django_assert_num_queries(1):
            compute(city, 2024)
    assert registry.kpis["activities.held"].compute(city, 2024)["activities"]["value"] == activities
