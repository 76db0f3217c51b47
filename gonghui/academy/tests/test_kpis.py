from datetime import date
from decimal import Decimal

import pytest

from gonghui.academy import kpis, services
from gonghui.academy.tests.factories import make_class, make_course
from gonghui.core import registry
from gonghui.members.tests.factories import make_member
from gonghui.orgs.tests.factories import EnterpriseFactory
from gonghui.reports.selectors import kpis_for, report_sentences

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(zone, union_a, union_b, enterprise_a, enterprise_b, academy_staff):
    """2024: two offline classes (24 h each), one online course put on line (8 h), one not; 2023: one class."""
    offline = make_course(zone, by=academy_staff, hours=Decimal("24"))
    online = make_course(zone, by=academy_staff, title="安全生产法规（线上）", hours=Decimal("8.5"))
    first = make_class(offline, by=academy_staff, capacity=3)
    second = make_class(
        offline, by=academy_staff, name="2024年第2期", starts_on=date(2024, 9, 2), ends_on=date(2024, 9, 6)
    )
    earlier = make_class(
        offline, by=academy_staff, name="2023年第1期", starts_on=date(2023, 5, 8), ends_on=date(2023, 5, 12)
    )
    on_line = make_class(
        online, by=academy_staff, mode="online", starts_on=date(2024, 3, 1), ends_on=date(2024, 12, 31)
    )
    services.class_publish(training_class=on_line, by=academy_staff)
    make_class(
        online,
        by=academy_staff,
        mode="online",
        name="未上线",
        starts_on=date(2024, 3, 1),
        ends_on=date(2024, 12, 31),
    )
    second_employer = EnterpriseFactory(name="甲公司二分厂", union=union_a)
    people = [
        make_member(union_a, enterprise=enterprise_a).person,
        make_member(union_a, enterprise=second_employer).person,
        make_member(union_b, enterprise=enterprise_b).person,
        make_member(union_a, enterprise=enterprise_a).person,
    ]

    def enrol(klass, person, on):
        return services.enrolment_create(training_class=klass, person=person, by=academy_staff, on=on)

    may, august, march, april = date(2024, 5, 1), date(2024, 8, 20), date(2024, 3, 5), date(2023, 4, 20)
    seated = [enrol(first, p, may) for p in people[:3]]
    enrol(first, people[3], may)  # waiting: not counted
    services.enrolment_cancel(enrolment=enrol(second, people[3], august), by=academy_staff)  # cancelled
    enrol(second, people[0], august)
    enrol(on_line, people[2], march)
    enrol(earlier, people[0], april)
    return seated


def test_the_years_figures_and_the_previous(zone, year):
    figures = kpis_for(zone, 2024)
    assert figures["training_sessions_offline"] == {"value": 2, "previous": 1}
    assert figures["training_courses_online"] == {"value": 1, "previous": 0}
    assert figures["training_hours"] == {"value": 56.5, "previous": 24}
    assert figures["trainee_person_times"] == {"value": 5, "previous": 1}  # 3 + 1 + 1 online
    assert figures["trainee_enterprises"] == {"value": 3, "previous": 1}


def test_a_union_counts_its_own_members_trained(union_a, year):
    figures = kpis_for(union_a, 2024)
    assert figures["training_sessions_offline"]["value"] == 0  # the zone runs the classes
    assert figures["trainee_person_times"] == {"value": 3, "previous": 1}
    assert figures["trainee_enterprises"]["value"] == 2


def test_one_query_per_group(zone, year, django_assert_num_queries):
    with django_assert_num_queries(2):
        registry.kpis["academy.classes"].compute(zone, 2024)
        kpis.trainees(zone, 2024)


def test_the_sentence(zone, year):
    sentence = next(s for s in report_sentences(zone, kpis_for(zone, 2024)) if "工匠学院" in s)
    assert (
        sentence == "工匠学院全年举办线下培训2期、上线线上课程1门，共56.5课时；培训职工5人次，来自3家企业。"
    )
