"""The demo step on a small world: the rows are those the services would leave (seats within each
pool, a waiting list only behind a full pool, check-ins of seated people only), and the homes' figures
are the feature's."""

from datetime import date

import pytest
from django.db.models import Count, Q

from gonghui.accounts.models import User
from gonghui.core.registry import DemoWorld
from gonghui.demo.fake import Faker
from gonghui.homes import demo, kpis
from gonghui.homes.models import CheckIn, Event, EventRegistration, HomeAward
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

Status = EventRegistration.Status


@pytest.fixture
def world():
    city = OrganisationFactory(code="CITY", kind=Organisation.Kind.CITY_FEDERATION)
    zone = OrganisationFactory(code="ZONE", kind=Organisation.Kind.ZONE_FEDERATION, parent=city)
    unions = [
        OrganisationFactory(code=f"U{i:04d}", parent=zone, established_on=date(2010, 1, 1))
        for i in range(1, 9)
    ]
    for i, union in enumerate(unions):
        for _ in range(12 if i < 3 else 3):
            make_member(union, started_on=date(2020, 3, 1))
    for username, role, org in [
        ("zone-admin", "federation_staff", zone),
        ("union-admin", "union_admin", unions[0]),
        ("union-admin-2", "union_admin", unions[1]),
    ]:
        User.objects.create(username=username, role=role, organisation=org)
    w = DemoWorld(seed=7, year=2024)
    w.faker, w.zone, w.unions = Faker(7), zone, unions
    w.worker = unions[0].memberships.first().person
    return w


def test_the_demo_rows_are_as_the_services_leave_them(world):
    demo.build(world)
    for event in Event.objects.prefetch_related("quotas"):
        pools = [(q, q.seats) for q in event.quotas.all()]
        pools.append((None, event.capacity - sum(seats for _, seats in pools)))
        for quota, seats in pools:
            counts = event.registrations.filter(quota=quota).aggregate(
                confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
                waiting=Count("pk", filter=Q(status=Status.WAITING)),
            )
            assert counts["confirmed"] <= seats, event
            assert not counts["waiting"] or counts["confirmed"] == seats, event
        assert not CheckIn.objects.filter(registration__event=event).exclude(
            registration__status=Status.CONFIRMED
        )
        for registration in event.registrations.select_related("union"):
            assert registration.quota is None or registration.quota.union_id == registration.union_id
    concert = Event.objects.get(title__startswith="青春之声", starts_at__year=2024)
    assert CheckIn.objects.filter(registration__event=concert, registration__person=world.worker).exists()


def test_the_demo_has_six_demonstration_homes_in_2024_one_a_provincial_model(world):
    demo.build(world)
    assert kpis.homes(world.zone, 2024)["worker_homes_demonstration"] == {"value": 6, "previous": 4}
    assert [a.title for a in HomeAward.objects.filter(level=HomeAward.Level.PROVINCIAL)] == ["省模范职工之家"]
    assert kpis.events(world.zone, 2024) == {"events": {"value": 6, "previous": 3}}
