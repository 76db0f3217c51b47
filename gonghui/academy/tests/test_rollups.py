"""The academy's roll-ups equal the raw computation whatever the sequence of enrolments,
cancellations, promotions, completions, class changes, transfers and revocations; a rebuild gives the
rows the services kept; and the figures cost one query per group whatever the size."""

from datetime import date, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gonghui.academy import kpis, services
from gonghui.academy.charts import hours_by_month
from gonghui.academy.models import Certificate, Enrolment, TraineeYear, TrainingClass, TrainingMonth
from gonghui.academy.tests.factories import make_class, make_course
from gonghui.accounts.models import User
from gonghui.core import registry
from gonghui.core.roles import Role
from gonghui.core.scope import NotInScope
from gonghui.members.models import Membership
from gonghui.members.services import member_transfer
from gonghui.members.tests.factories import SETUP, make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.services import organisation_create
from gonghui.orgs.tests.factories import EnterpriseFactory

YEARS = range(2023, 2026)
SEATED = ("enrolled", "completed", "not_completed")


def raw(root: Organisation, year: int) -> dict:
    """The academy's figures of one year from the classes and enrolments themselves."""
    classes = TrainingClass.objects.filter(
        Q(mode="offline") | Q(mode="online", published=True),
        course__federation__path__startswith=root.path,
        starts_on__year=year,
    ).aggregate(
        offline=Count("pk", filter=Q(mode="offline")),
        online=Count("pk", filter=Q(mode="online")),
        hours=Sum("course__hours", default=Decimal(0)),
    )
    places = Enrolment.objects.filter(
        status__in=SEATED, union__path__startswith=root.path, training_class__starts_on__year=year
    ).aggregate(times=Count("pk"), enterprises=Count("enterprise", distinct=True))
    return {
        "training_sessions_offline": classes["offline"],
        "training_courses_online": classes["online"],
        "training_hours": kpis.hours_figure(classes["hours"]),
        "trainee_person_times": places["times"],
        "trainee_enterprises": places["enterprises"],
    }


def raw_hours_by_month(root: Organisation, year: int) -> list:
    return [
        kpis.hours_figure(
            TrainingClass.objects.filter(
                Q(mode="offline") | Q(mode="online", published=True),
                course__federation__path__startswith=root.path,
                starts_on__year=year,
                starts_on__month=month,
            ).aggregate(hours=Sum("course__hours", default=Decimal(0)))["hours"]
        )
        for month in range(1, 13)
    ]


def figures(root: Organisation, year: int) -> dict:
    return registry.kpis["academy.classes"].compute(root, year) | kpis.trainees(root, year)


def expected(root: Organisation, year: int) -> dict:
    now, before = raw(root, year), raw(root, year - 1)
    return {key: {"value": now[key], "previous": before[key]} for key in now}


def rows(model) -> set:
    """The rows with a figure (a change undone leaves a row of zeros behind, a rebuild none)."""
    fields = [f.attname for f in model._meta.fields if f.name != "id"]
    numbers = {"offline", "online", "hours", "places"}
    indexes = [i for i, name in enumerate(fields) if name in numbers]
    return {r for r in model.objects.values_list(*fields) if any(r[i] for i in indexes)}


operation = st.tuples(
    st.sampled_from(
        ["enrol"] * 6
        + ["cancel"] * 3
        + ["complete", "class_complete", "create", "publish", "move", "transfer", "revoke"]
    ),
    st.integers(0, 7),  # a person
    st.integers(0, 11),  # a class (a union for a transfer, a month for a new class or a move)
    st.integers(0, 40),  # days after the previous operation
)


class RollupsEqualTheRawFigures(TestCase):
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=15, max_size=45))
    def test_random_histories(self, operations):
        def org(code, kind, parent):
            return organisation_create(
                code=code, name=code, kind=kind, parent=parent, established_on=date(2015, 1, 1), by=SETUP
            )

        staff = User.objects.create(
            username="academy", role=Role.PLATFORM_ADMIN
        )  # courses name who made them
        city = org("CITY", Organisation.Kind.CITY_FEDERATION, None)
        zone = org("ZONE", Organisation.Kind.ZONE_FEDERATION, city)
        zone2 = org("ZONE2", Organisation.Kind.ZONE_FEDERATION, city)
        parents = (zone, zone, zone2, city)
        unions = [
            org(f"U{i}", Organisation.Kind.ENTERPRISE_UNION, parent) for i, parent in enumerate(parents)
        ]
        enterprises = {u.pk: [EnterpriseFactory(union=u, federation=u.parent)] for u in unions}
        enterprises[unions[0].pk].append(EnterpriseFactory(union=unions[0], federation=zone))
        people = []
        for i in range(8):
            union = unions[i % len(unions)]
            choices = enterprises[union.pk]
            people.append(make_member(union, enterprise=choices[i % len(choices)]).person)
        courses = [
            make_course(zone, by=staff, hours=Decimal("24"), min_attendance=Decimal(0)),
            make_course(zone2, by=staff, title="安全生产法规（线上）", hours=Decimal("8.5")),
            make_course(city, by=staff, title="数字化技能", hours=Decimal("12"), min_attendance=Decimal(0)),
        ]
        classes = [
            make_class(
                courses[0], by=staff, capacity=2, starts_on=date(2024, 1, 8), ends_on=date(2024, 1, 12)
            ),
            make_class(
                courses[1],
                by=staff,
                mode="online",
                starts_on=date(2023, 12, 1),
                ends_on=date(2024, 12, 31),
            ),
            make_class(
                courses[2], by=staff, capacity=1, starts_on=date(2023, 12, 18), ends_on=date(2023, 12, 22)
            ),
        ]
        services.session_add(
            training_class=classes[0], on=date(2024, 1, 8), starts_at=time(9), ends_at=time(12), by=staff
        )
        day = date(2023, 11, 1)
        for kind, who, which, gap in operations:
            day += timedelta(days=gap)
            person = people[who]
            training_class = TrainingClass.objects.get(pk=classes[which % len(classes)].pk)
            enrolment = Enrolment.objects.filter(training_class=training_class, person=person).first()
            try:
                if kind == "enrol":
                    services.enrolment_create(training_class=training_class, person=person, by=staff, on=day)
                elif kind == "cancel" and enrolment is not None:
                    services.enrolment_cancel(enrolment=enrolment, by=staff, reason="工作冲突")
                elif kind == "complete" and enrolment is not None:
                    services.enrolment_complete(enrolment=enrolment, by=staff, on=day)
                elif kind == "class_complete":
                    services.class_complete(training_class=training_class, by=staff, on=day)
                elif kind == "create":
                    course = courses[gap % len(courses)]
                    starts = date(2023 + which % 3, 1 + which, 1 + gap % 28)
                    online = gap % 2 == 1
                    classes.append(
                        make_class(
                            course,
                            by=staff,
                            mode="online" if online else "offline",
                            name=f"第{len(classes)}期",
                            starts_on=starts,
                            ends_on=starts + timedelta(days=60 if online else 4),
                            place="" if online else "实训楼",
                            capacity=None if online else 1 + gap % 3,
                        )
                    )
                elif kind == "publish":
                    services.class_publish(training_class=training_class, by=staff)
                elif kind == "move":
                    starts = training_class.starts_on + timedelta(days=gap * 5 - 100)
                    length = training_class.ends_on - training_class.starts_on
                    services.class_reschedule(
                        training_class=training_class, starts_on=starts, ends_on=starts + length, by=staff
                    )
                elif kind == "transfer":
                    membership = Membership.objects.active().filter(person=person).first()
                    to = unions[which % len(unions)]
                    member_transfer(
                        membership=membership, to_union=to, enterprise=enterprises[to.pk][0], on=day, by=SETUP
                    )
                elif kind == "revoke":
                    certificate = Certificate.objects.filter(person=person, revoked_at__isnull=True).first()
                    if certificate is not None:
                        services.certificate_revoke(certificate=certificate, reason="材料不实", by=staff)
            except ValidationError:
                pass  # a move the services refuse (a full class, an ended class, a member elsewhere…)
        for root in Organisation.objects.all():
            for year in YEARS:
                assert figures(root, year) == expected(root, year), (root.code, year)
                assert hours_by_month(root, year).series[0][1] == raw_hours_by_month(root, year)
        kept = rows(TrainingMonth), rows(TraineeYear)
        call_command("rollups_rebuild", stdout=StringIO())
        assert (rows(TrainingMonth), rows(TraineeYear)) == kept


# --- the edges, by hand ---


@pytest.fixture
def course(zone, academy_staff):
    return make_course(zone, by=academy_staff, hours=Decimal("24"), min_attendance=Decimal(0))


@pytest.mark.django_db
def test_an_enrolment_in_december_for_a_class_of_january_counts_in_january(
    zone, union_a, enterprise_a, academy_staff, course
):
    january = make_class(course, by=academy_staff, starts_on=date(2024, 1, 8), ends_on=date(2024, 1, 12))
    person = make_member(union_a, enterprise=enterprise_a).person
    services.enrolment_create(training_class=january, person=person, by=academy_staff, on=date(2023, 12, 20))
    for root in (zone, union_a):
        assert figures(root, 2024)["trainee_person_times"] == {"value": 1, "previous": 0}
        assert figures(root, 2023)["trainee_person_times"] == {"value": 0, "previous": 0}
    assert figures(zone, 2024)["training_hours"] == {"value": 24, "previous": 0}
    assert hours_by_month(zone, 2024).series[0][1] == [24] + [0] * 11


@pytest.mark.django_db
def test_a_class_moved_across_the_year_end_takes_its_trainees_along(
    zone, union_a, enterprise_a, academy_staff, course
):
    december = make_class(course, by=academy_staff, starts_on=date(2023, 12, 27), ends_on=date(2023, 12, 29))
    person = make_member(union_a, enterprise=enterprise_a).person
    services.enrolment_create(training_class=december, person=person, by=academy_staff, on=date(2023, 12, 1))
    services.class_reschedule(
        training_class=december, starts_on=date(2024, 1, 3), ends_on=date(2024, 1, 5), by=academy_staff
    )
    assert figures(zone, 2024) == expected(zone, 2024)
    assert figures(zone, 2024)["training_sessions_offline"] == {"value": 1, "previous": 0}
    assert figures(union_a, 2024)["trainee_enterprises"] == {"value": 1, "previous": 0}


@pytest.mark.django_db
def test_a_class_moved_past_its_sessions_is_refused(zone, academy_staff, course):
    klass = make_class(course, by=academy_staff)
    services.session_add(
        training_class=klass, on=klass.starts_on, starts_at=time(9), ends_at=time(12), by=academy_staff
    )
    with pytest.raises(ValidationError) as excinfo:
        services.class_reschedule(
            training_class=klass, starts_on=date(2024, 6, 3), ends_on=date(2024, 6, 7), by=academy_staff
        )
    assert "课次" in excinfo.value.message_dict["starts_on"][0]
    assert figures(zone, 2024)["training_sessions_offline"]["value"] == 1


@pytest.mark.django_db
def test_a_revoked_certificate_still_counts_the_training_given(
    zone, union_a, enterprise_a, academy_staff, course
):
    """The figures count the places held in the year's classes; a certificate revoked later takes the
    credential away, not the training the federation gave."""
    klass = make_class(course, by=academy_staff, starts_on=date(2024, 5, 6), ends_on=date(2024, 5, 10))
    services.session_add(
        training_class=klass, on=klass.starts_on, starts_at=time(9), ends_at=time(12), by=academy_staff
    )
    person = make_member(union_a, enterprise=enterprise_a).person
    enrolment = services.enrolment_create(
        training_class=klass, person=person, by=academy_staff, on=date(2024, 5, 1)
    )
    certificate = services.enrolment_complete(enrolment=enrolment, by=academy_staff, on=date(2024, 5, 10))
    before = figures(zone, 2024)
    services.certificate_revoke(certificate=certificate, reason="考核材料不实", by=academy_staff)
    assert figures(zone, 2024) == before == expected(zone, 2024)
    assert before["trainee_person_times"]["value"] == 1


@pytest.mark.django_db
def test_an_employer_counts_once_until_its_last_place_goes(
    zone, union_a, enterprise_a, academy_staff, course
):
    first = make_class(course, by=academy_staff, capacity=1)
    second = make_class(
        course, by=academy_staff, name="2024年第2期", starts_on=date(2024, 9, 2), ends_on=date(2024, 9, 6)
    )
    a, b, c = (make_member(union_a, enterprise=enterprise_a).person for _ in range(3))
    seated = services.enrolment_create(training_class=first, person=a, by=academy_staff, on=date(2024, 4, 1))
    services.enrolment_create(
        training_class=first, person=b, by=academy_staff, on=date(2024, 4, 2)
    )  # waiting
    other = services.enrolment_create(training_class=second, person=c, by=academy_staff, on=date(2024, 8, 1))
    assert figures(zone, 2024)["trainee_enterprises"]["value"] == 1
    assert figures(zone, 2024)["trainee_person_times"]["value"] == 2
    promoted = services.enrolment_cancel(enrolment=seated, by=academy_staff)  # b takes the place
    assert promoted.person == b and figures(zone, 2024)["trainee_person_times"]["value"] == 2
    services.enrolment_cancel(enrolment=promoted, by=academy_staff)
    services.enrolment_cancel(enrolment=other, by=academy_staff)
    assert figures(zone, 2024)["trainee_enterprises"]["value"] == 0
    assert figures(zone, 2024) == expected(zone, 2024)


@pytest.mark.django_db
def test_one_query_per_group_and_for_the_chart_at_one_and_many_rows(
    zone, union_a, enterprise_a, academy_staff, course, django_assert_num_queries
):
    def count():
        with django_assert_num_queries(3):
            registry.kpis["academy.classes"].compute(zone, 2024)
            kpis.trainees(zone, 2024)
            hours_by_month(zone, 2024)

    people = [make_member(union_a, enterprise=EnterpriseFactory(union=union_a)).person for _ in range(12)]
    klass = make_class(course, by=academy_staff)
    services.enrolment_create(training_class=klass, person=people[0], by=academy_staff, on=date(2024, 5, 1))
    count()
    for month in range(1, 13):
        more = make_class(
            course,
            by=academy_staff,
            name=f"第{month}期",
            starts_on=date(2024, month, 3),
            ends_on=date(2024, month, 6),
        )
        for person in people:
            services.enrolment_create(
                training_class=more, person=person, by=academy_staff, on=date(2024, month, 1)
            )
    count()
    assert figures(zone, 2024)["trainee_enterprises"]["value"] == 12 == len(people)


@pytest.mark.django_db
def test_the_training_hours_rows_are_the_classes_behind_the_figure(zone, academy_staff, officer, course):
    make_class(course, by=academy_staff)
    make_class(
        course, by=academy_staff, name="2024年第2期", starts_on=date(2024, 9, 2), ends_on=date(2024, 9, 6)
    )
    make_class(course, by=academy_staff, name="2023年", starts_on=date(2023, 9, 4), ends_on=date(2023, 9, 8))
    kpi = next(k for group in kpis.GROUPS for k in group.kpis if k.key == "training_hours")
    found = kpi.rows(zone, 2024, officer)
    assert found.queryset.count() == 2
    assert sum(found.cells(c)[-1] for c in found.queryset) == figures(zone, 2024)["training_hours"]["value"]


@pytest.mark.django_db
def test_only_who_runs_the_class_moves_it(zone, admin_a, officer, academy_staff, course):
    klass = make_class(course, by=academy_staff)
    for outsider in (admin_a, officer):
        with pytest.raises(NotInScope):
            services.class_reschedule(
                training_class=klass, starts_on=date(2024, 6, 3), ends_on=date(2024, 6, 7), by=outsider
            )
    assert TrainingClass.objects.get(pk=klass.pk).starts_on == date(2024, 5, 6)
