"""KPIs: homes open at year end and those titled by then; events starting in the year and their
check-ins; for the year and the year before, for any subtree, through the registry."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gonghui.core import registry
from gonghui.homes import kpis, services
from gonghui.homes.models import CheckIn, EventRegistration, HomeAward
from gonghui.homes.tests.factories import make_event, make_home
from gonghui.members.tests.factories import SETUP, make_member
from gonghui.orgs.tests.factories import OrganisationFactory
from gonghui.reports.selectors import kpis_for, report_sentences

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=19):
    return timezone.make_aware(timezone.datetime(year, month, day, hour))


def test_homes_count_at_year_end_and_a_titled_home_once(officer, admin_a, zone, union_a, union_b):
    titled = make_home(union_a, by=admin_a, opened_on=date(2020, 1, 1))
    services.home_award(home=titled, kind="demonstration", level=HomeAward.Level.ZONE, year=2023, by=officer)
    services.home_award(home=titled, kind="model", level=HomeAward.Level.PROVINCIAL, year=2024, by=officer)
    later = make_home(union_b, by=officer, opened_on=date(2024, 3, 1))
    services.home_award(home=later, kind="demonstration", level=HomeAward.Level.COUNTY, year=2024, by=officer)
    closed = make_home(union_b, by=officer, name="旧职工之家", opened_on=date(2015, 1, 1))
    services.home_update(home=closed, closed_on=date(2024, 6, 30), by=officer)

    figures = kpis.homes(zone, 2024)
    assert figures == {
        "worker_homes": {"value": 2, "previous": 2},
        "worker_homes_demonstration": {"value": 2, "previous": 1},
    }
    assert kpis.homes(union_b, 2024)["worker_homes"] == {"value": 1, "previous": 1}


def test_events_and_attendees_by_the_year_they_start_in(officer, zone, union_a, enterprise_a):
    other_zone = OrganisationFactory(code="ZONE9", parent=zone.parent)
    make_event(other_zone, by=SETUP)
    this_year = make_event(zone, by=officer)
    year = timezone.localtime(this_year.starts_at).year
    past = make_event(
        zone,
        by=officer,
        starts_at=at(year - 1, 5, 4),
        registration_opens_at=at(year - 1, 4, 1),
        registration_closes_at=at(year - 1, 5, 1),
    )
    people = [make_member(union_a, enterprise=enterprise_a).person for _ in range(3)]
    for person in people:
        services.registration_create(event=this_year, person=person, by=officer)
    services.checkin_create(event=this_year, person=people[0], by=officer)
    services.checkin_create(event=this_year, person=people[1], by=officer)
    seat = EventRegistration.objects.create(  # as the services left it last year
        event=past, person=people[0], union=union_a, status="confirmed", queued_at=at(year - 1, 4, 2)
    )
    CheckIn.objects.create(registration=seat, checked_in_at=past.starts_at - timedelta(minutes=20))

    assert kpis.events(zone, year) == {"events": {"value": 1, "previous": 1}}
    assert kpis.attendees(zone, year) == {"event_attendees": {"value": 2, "previous": 1}}
    assert kpis.events(zone.parent, year)["events"]["value"] == 2  # the city holds both zones


def test_the_report_has_the_keys_and_a_sentence(zone):
    figures = kpis_for(zone, 2024)
    for key in ("worker_homes", "worker_homes_demonstration", "events", "event_attendees"):
        assert figures[key] == {"value": 0, "previous": 0}
    assert "建成职工之家0个，其中示范职工之家0个；举办文体活动0场，签到参加0人次。" in report_sentences(
        zone, figures
    )
    assert {"homes.homes", "homes.events", "homes.attendees"} <= {g.key for g in registry.kpis}
