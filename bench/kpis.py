"""The KPIs at city scale: `python -m bench.kpis [--members 1000000] [--databases sqlite,postgres]`.

Builds a city in a fresh database of each kind — a city federation, 25 zones, 5,000 unions, 20,000
enterprises (a tenth without a founding date), --members people with a membership each (a tenth
transferred between unions, some of them across zones, a twentieth left), 20,000 activities with
200,000 attendances, 2,000 welfare distributions, and per member 0.2 trainee enrolments (in classes
of 16-hour courses), 0.05 mutual-aid claims (three in five paid) and 0.01 labour disputes (200,000,
50,000 and 10,000 for a city of 1,000,000) — rebuilds the roll-ups (each timed), then, for the city
and for one zone (median of 15 runs each; the report and the hand-written SQL it is compared with
called in turn, so that both meet the same load), times:

- every registered KPI as the report computes it (`kpis_for`), with its number of queries, the
  groups of the figures below together as the report reads them, and each KPI group alone with its
  queries;
- the figures read from roll-ups (members, unions, coverage, activities, attendances, welfare) by
  hand-written SQL over the raw tables and over the roll-up tables, both checked equal to the report's.

Each database runs in a process of its own (DATABASE_URL decides the database at start-up).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ENV = {"DJANGO_SETTINGS_MODULE": "gonghui.settings", "GONGHUI_DEBUG": "0"}
ZONES, UNIONS, ENTERPRISES, ACTIVITIES, ATTENDANCES = 25, 5_000, 20_000, 20_000, 200_000
# Per member: 200,000 trainee enrolments, 50,000 mutual-aid claims and 10,000 disputes for 1,000,000.
TRAINEES, CLAIMS, CASES = 0.2, 0.05, 0.01
DISTRIBUTIONS, RECIPIENTS = 2_000, 20  # welfare distributions (a tenth not signed off), recipients each
YEAR = 2024
RUNS = 15

RAW_SQL = """
SELECT
  COUNT(DISTINCT m.person_id) FILTER (WHERE m.started_on <= %(end)s AND (m.ended_on IS NULL OR m.ended_on > %(end)s)),
  COUNT(DISTINCT m.person_id) FILTER (WHERE m.started_on <= %(prev_end)s AND (m.ended_on IS NULL OR m.ended_on > %(prev_end)s)),
  COUNT(DISTINCT m.person_id) FILTER (WHERE m.started_on BETWEEN %(start)s AND %(end)s AND (m.start_reason = 'joined' OR NOT EXISTS (
      SELECT 1 FROM members_membership s JOIN orgs_organisation su ON su.id = s.union_id
      WHERE s.person_id = m.person_id AND s.ended_on = m.started_on AND s.end_reason = 'transferred_out'
        AND su.path LIKE %(prefix)s))),
  COUNT(DISTINCT m.person_id) FILTER (WHERE m.started_on BETWEEN %(prev_start)s AND %(prev_end)s AND (m.start_reason = 'joined' OR NOT EXISTS (
      SELECT 1 FROM members_membership s JOIN orgs_organisation su ON su.id = s.union_id
      WHERE s.person_id = m.person_id AND s.ended_on = m.started_on AND s.end_reason = 'transferred_out'
        AND su.path LIKE %(prefix)s)))
FROM members_membership m JOIN orgs_organisation u ON u.id = m.union_id
WHERE u.path LIKE %(prefix)s;
SELECT
  COUNT(*) FILTER (WHERE established_on <= %(end)s AND (dissolved_on IS NULL OR dissolved_on > %(end)s)),
  COUNT(*) FILTER (WHERE established_on <= %(prev_end)s AND (dissolved_on IS NULL OR dissolved_on > %(prev_end)s)),
  COUNT(*) FILTER (WHERE established_on BETWEEN %(start)s AND %(end)s),
  COUNT(*) FILTER (WHERE established_on BETWEEN %(prev_start)s AND %(prev_end)s)
FROM orgs_organisation WHERE path LIKE %(prefix)s AND kind IN ('enterprise_union', 'joint_union');
SELECT
  COUNT(*) FILTER (WHERE a.held_on BETWEEN %(start)s AND %(end)s AND a.kind IN ('lecture', 'study_session')),
  COUNT(*) FILTER (WHERE a.held_on BETWEEN %(prev_start)s AND %(prev_end)s AND a.kind IN ('lecture', 'study_session')),
  COUNT(*) FILTER (WHERE a.held_on BETWEEN %(start)s AND %(end)s),
  COUNT(*) FILTER (WHERE a.held_on BETWEEN %(prev_start)s AND %(prev_end)s)
FROM activities_activity a JOIN orgs_organisation o ON o.id = a.organiser_id
WHERE o.path LIKE %(prefix)s AND a.status = 'held';
SELECT
  COUNT(*) FILTER (WHERE a.held_on BETWEEN %(start)s AND %(end)s),
  COUNT(*) FILTER (WHERE a.held_on BETWEEN %(prev_start)s AND %(prev_end)s)
FROM activities_registration r JOIN activities_activity a ON a.id = r.activity_id
  JOIN orgs_organisation o ON o.id = a.organiser_id
WHERE o.path LIKE %(prefix)s AND a.status = 'held' AND r.attended;
SELECT
  COUNT(*) FILTER (WHERE d.distributed_on BETWEEN %(start)s AND %(end)s),
  COUNT(*) FILTER (WHERE d.distributed_on BETWEEN %(prev_start)s AND %(prev_end)s)
FROM activities_welfarerecipient w JOIN activities_welfaredistribution d ON d.id = w.distribution_id
  JOIN orgs_organisation o ON o.id = d.union_id
WHERE o.path LIKE %(prefix)s AND d.status = 'signed_off';
SELECT
  COUNT(*) FILTER (WHERE e.founded_on IS NULL OR e.founded_on <= %(end)s),
  COUNT(*) FILTER (WHERE e.founded_on IS NULL OR e.founded_on <= %(prev_end)s),
  COUNT(*) FILTER (WHERE (e.founded_on IS NULL OR e.founded_on <= %(end)s) AND u.established_on <= %(end)s
    AND (u.dissolved_on IS NULL OR u.dissolved_on > %(end)s)),
  COUNT(*) FILTER (WHERE (e.founded_on IS NULL OR e.founded_on <= %(prev_end)s) AND u.established_on <= %(prev_end)s
    AND (u.dissolved_on IS NULL OR u.dissolved_on > %(prev_end)s))
FROM orgs_enterprise e JOIN orgs_organisation f ON f.id = e.federation_id
  LEFT JOIN orgs_organisation u ON u.id = e.union_id
WHERE (f.path LIKE %(prefix)s OR u.path LIKE %(prefix)s)
  AND (e.is_key OR e.headcount >= 100 OR e.is_new_employment_form)
"""

ROLLUP_SQL = """
SELECT
  COALESCE(SUM(started - ended) FILTER (WHERE month <= %(last_month)s), 0),
  COALESCE(SUM(started - ended) FILTER (WHERE month <= %(prev_last_month)s), 0),
  COALESCE(SUM(new) FILTER (WHERE month BETWEEN %(start)s AND %(last_month)s), 0),
  COALESCE(SUM(new) FILTER (WHERE month BETWEEN %(prev_start)s AND %(prev_last_month)s), 0)
FROM members_membermonth WHERE organisation_id = %(org)s AND month <= %(last_month)s;
SELECT
  COALESCE(SUM(established - dissolved) FILTER (WHERE month <= %(last_month)s), 0),
  COALESCE(SUM(established - dissolved) FILTER (WHERE month <= %(prev_last_month)s), 0),
  COALESCE(SUM(established) FILTER (WHERE month BETWEEN %(start)s AND %(last_month)s), 0),
  COALESCE(SUM(established) FILTER (WHERE month BETWEEN %(prev_start)s AND %(prev_last_month)s), 0)
FROM orgs_unionmonth WHERE organisation_id = %(org)s AND month <= %(last_month)s;
SELECT
  COALESCE(SUM(lectures) FILTER (WHERE month >= %(start)s), 0),
  COALESCE(SUM(lectures) FILTER (WHERE month < %(start)s), 0),
  COALESCE(SUM(activities) FILTER (WHERE month >= %(start)s), 0),
  COALESCE(SUM(activities) FILTER (WHERE month < %(start)s), 0),
  COALESCE(SUM(attendees) FILTER (WHERE month >= %(start)s), 0),
  COALESCE(SUM(attendees) FILTER (WHERE month < %(start)s), 0),
  COALESCE(SUM(welfare_recipients) FILTER (WHERE month >= %(start)s), 0),
  COALESCE(SUM(welfare_recipients) FILTER (WHERE month < %(start)s), 0)
FROM activities_activitymonth
WHERE organisation_id = %(org)s AND month BETWEEN %(prev_start)s AND %(last_month)s;
SELECT
  COALESCE(SUM(targets), 0),
  COALESCE(SUM(targets) FILTER (WHERE month IS NULL OR month <= %(prev_last_month)s), 0),
  COALESCE(SUM(covered_started - covered_ended) FILTER (WHERE month <= %(last_month)s), 0),
  COALESCE(SUM(covered_started - covered_ended) FILTER (WHERE month <= %(prev_last_month)s), 0)
FROM orgs_enterprisemonth WHERE organisation_id = %(org)s AND (month IS NULL OR month <= %(last_month)s)
"""

# The same four statements as one, a round trip as the report's own statement makes.
ROLLUP_SQL_ONE = "SELECT * FROM " + ", ".join(
    f"({statement.strip()}) AS s{n}" for n, statement in enumerate(ROLLUP_SQL.split(";"))
)

ROLLED_UP = (
    "orgs.unions",
    "members",
    "orgs.coverage",
    "activities.held",
    "activities.attendees",
    "activities.welfare",
)
FIGURES = (  # in the order the SQL above gives them, each for the year and the year before
    "members_total",
    "members_new",
    "unions_total",
    "unions_new",
    "lectures",
    "activities",
    "activity_attendees",
    "welfare_recipients",
    "target_enterprises",
    "target_enterprises_covered",
)


def _day(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def build(members: int) -> dict:
    """The city, inserted in bulk (COPY on PostgreSQL); returns seconds per part."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from gonghui.accounts.models import User
    from gonghui.activities.models import Activity, Registration, WelfareDistribution, WelfareRecipient
    from gonghui.core import registry
    from gonghui.core.roles import Role
    from gonghui.members.models import Membership, Person
    from gonghui.orgs.models import Enterprise, Organisation
    from gonghui.rosters import bulk
    from gonghui.rosters.services.writing import MEMBERSHIP_FIELDS, PERSON_FIELDS

    rng = random.Random(2024)
    now = timezone.now()
    seconds = {}
    started = time.perf_counter()
    with transaction.atomic():

        def org(code, kind, parent, established):
            o = Organisation(code=code, name=code, kind=kind, parent=parent, established_on=established)
            o.place_in_tree()
            o.save()
            return o

        city = org("CITY", Organisation.Kind.CITY_FEDERATION, None, date(1950, 1, 1))
        zones = [
            org(f"Z{z:02d}", Organisation.Kind.ZONE_FEDERATION, city, date(2000, 1, 1)) for z in range(ZONES)
        ]
        unions = []
        for i in range(UNIONS):
            zone = zones[i % ZONES]
            u = Organisation(
                code=f"U{i:05d}",
                name=f"工会{i}",
                kind=Organisation.Kind.ENTERPRISE_UNION,
                parent=zone,
                established_on=_day(rng, date(2005, 1, 1), date(2025, 6, 30)),
            )
            if rng.random() < 0.02:
                u.dissolved_on = _day(rng, u.established_on, date(2025, 12, 31))
            u.place_in_tree()
            unions.append(u)
        Organisation.objects.bulk_create(unions, batch_size=2000)
        unions = list(Organisation.objects.grassroots().order_by("pk"))
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"企业{i}",
                    credit_code=f"{i:018d}",
                    headcount=rng.randint(10, 900),
                    is_key=rng.random() < 0.2,
                    is_new_employment_form=rng.random() < 0.05,
                    federation_id=unions[i % UNIONS].parent_id,
                    union=unions[i % UNIONS] if i < UNIONS or rng.random() < 0.5 else None,
                    founded_on=None if i % 10 == 0 else _day(rng, date(2000, 1, 1), date(2025, 12, 31)),
                )
                for i in range(ENTERPRISES)
            ],
            batch_size=5000,
        )
        seconds["organisations"] = time.perf_counter() - started

        started = time.perf_counter()
        person_ids = bulk.allocate_ids(Person, members)
        bulk.insert(
            Person,
            PERSON_FIELDS,
            (
                (
                    pk,
                    "职工",
                    "zg",
                    "zhigong",
                    f"{pk:064x}",
                    "x",
                    f"**************{pk % 10000:04d}",
                    1990,
                    "M",
                    f"139{pk:08d}"[:11],
                    "",
                    "",
                    "",
                    "",
                    now,
                )
                for pk in person_ids
            ),
        )
        seconds["people"] = time.perf_counter() - started

        started = time.perf_counter()

        membership_ids = bulk.allocate_ids(Membership, members + members // 5 + 100)  # not during the COPY

        def periods():
            ids = iter(membership_ids)
            for pk in person_ids:
                union = unions[rng.randrange(UNIONS)]
                start = _day(rng, max(union.established_on, date(2015, 1, 1)), date(2025, 12, 31))
                roll = rng.random()
                if roll < 0.1:  # transferred, a third of them to another zone
                    to = unions[rng.randrange(UNIONS)]
                    moved = _day(rng, max(start, to.established_on), date(2026, 6, 30))
                    yield (
                        next(ids),
                        pk,
                        union.pk,
                        None,
                        "",
                        start,
                        "joined",
                        moved,
                        "transferred_out",
                        "",
                        now,
                    )
                    yield (next(ids), pk, to.pk, None, "", moved, "transferred_in", None, "", "", now)
                elif roll < 0.15:
                    left = _day(rng, start, date(2026, 6, 30))
                    yield (next(ids), pk, union.pk, None, "", start, "joined", left, "left", "", now)
                else:
                    yield (next(ids), pk, union.pk, None, "", start, "joined", None, "", "", now)

        bulk.insert(
            Membership,
            MEMBERSHIP_FIELDS,
            periods(),
        )
        seconds["memberships"] = time.perf_counter() - started

        started = time.perf_counter()
        activity_ids = bulk.allocate_ids(Activity, ACTIVITIES)
        registration_ids = bulk.allocate_ids(Registration, ATTENDANCES)
        bulk.insert(
            Activity,
            [
                "id",
                "organiser",
                "kind",
                "title",
                "held_on",
                "place",
                "capacity",
                "description",
                "status",
                "created_by",
                "created_at",
            ],
            (
                (
                    pk,
                    unions[pk % UNIONS].pk,
                    "lecture" if pk % 3 else "outing",
                    "活动",
                    _day(rng, date(2021, 1, 1), date(2025, 12, 31)),
                    "",
                    None,
                    "",
                    "held",
                    None,
                    now,
                )
                for pk in activity_ids
            ),
        )
        bulk.insert(
            Registration,
            ["id", "activity", "person", "attended", "registered_by", "registered_at"],
            (
                (
                    pk,
                    activity_ids[k % ACTIVITIES],
                    person_ids[(k // ACTIVITIES + k % ACTIVITIES * 10) % members],
                    True,
                    None,
                    now,
                )
                for k, pk in enumerate(registration_ids)
            ),
        )
        first, second = (
            User.objects.create(username=f"bench-{n}", role=Role.FEDERATION_STAFF, organisation=city)
            for n in (1, 2)
        )
        distributions = WelfareDistribution.objects.bulk_create(
            [
                WelfareDistribution(
                    union=unions[k % UNIONS],
                    title="慰问",
                    occasion=WelfareDistribution.Occasion.HOLIDAY,
                    distributed_on=_day(rng, date(2021, 1, 1), date(2025, 12, 31)),
                    item="月饼",
                    amount=100,
                    status=WelfareDistribution.Status.SIGNED_OFF
                    if k % 10
                    else WelfareDistribution.Status.DRAFT,
                    created_by=first,
                    signed_off_by=second if k % 10 else None,
                    signed_off_at=now if k % 10 else None,
                )
                for k in range(DISTRIBUTIONS)
            ],
            batch_size=2000,
        )
        membership = Membership.objects.values_list("pk", flat=True).first()
        WelfareRecipient.objects.bulk_create(
            (
                WelfareRecipient(
                    distribution=d,
                    person_id=person_ids[(k * RECIPIENTS + j) % members],
                    membership_id=membership,
                    item="月饼",
                    amount=100,
                )
                for k, d in enumerate(distributions)
                for j in range(RECIPIENTS)
            ),
            batch_size=5000,
        )
        seconds["activities"] = time.perf_counter() - started

        started = time.perf_counter()
        skills_and_rights(rng, city, zones, unions, person_ids, first, now)
        seconds["skills and rights"] = time.perf_counter() - started

        for rollup in registry.rollups:
            started = time.perf_counter()
            rollup.rebuild()
            seconds[f"rebuild {rollup.key}"] = time.perf_counter() - started
    return seconds


def skills_and_rights(rng, city, zones, unions, person_ids, officer, now) -> None:
    """Trainee enrolments in classes of the zones' courses, mutual-aid enrolments and claims (a
    share paid, with their payments) and labour-dispute mediations, in bulk."""
    from decimal import Decimal

    from gonghui.academy.models import Course, Craft, TrainingClass
    from gonghui.academy.models import Enrolment as Trainee
    from gonghui.legal.models import Dispute
    from gonghui.members.models import Membership
    from gonghui.mutual_aid.models import Claim, EnrolmentBatch, LedgerEntry, Plan
    from gonghui.mutual_aid.models import Enrolment as Insured
    from gonghui.mutual_aid.models import Status as ClaimStatus
    from gonghui.orgs.models import Enterprise

    union_of = dict(Membership.objects.filter(ended_on__isnull=True).values_list("person_id", "union_id"))
    membership_of = dict(Membership.objects.filter(ended_on__isnull=True).values_list("person_id", "pk"))
    members = [pk for pk in person_ids if pk in union_of]
    trainees, claims, cases = (round(len(person_ids) * share) for share in (TRAINEES, CLAIMS, CASES))
    craft = Craft.values[0]
    courses = Course.objects.bulk_create(
        [
            Course(federation=zone, title="课程", craft=craft, hours=Decimal(16))
            for zone in zones
            for _ in range(4)
        ]
    )
    classes = TrainingClass.objects.bulk_create(
        [
            TrainingClass(
                course=courses[k % len(courses)],
                mode=TrainingClass.Mode.values[0],
                name="班级",
                starts_on=(day := _day(rng, date(2021, 1, 1), date(2025, 11, 30))),
                ends_on=day + timedelta(days=14),
                published=True,
            )
            for k in range(max(trainees // 20, 1))
        ],
        batch_size=5000,
    )
    seated = (
        Trainee.Status.COMPLETED,
        Trainee.Status.COMPLETED,
        Trainee.Status.NOT_COMPLETED,
        Trainee.Status.ENROLLED,
    )
    Trainee.objects.bulk_create(
        (
            Trainee(
                training_class=classes[k // 20],
                person_id=(person := members[(k * 7) % len(members)]),
                membership_id=membership_of[person],
                union_id=union_of[person],
                enrolled_on=classes[k // 20].starts_on - timedelta(days=7),
                status=(status := seated[k % len(seated)]),
                queued_at=now,
                decided_on=classes[k // 20].ends_on if status != Trainee.Status.ENROLLED else None,
            )
            for k in range(trainees)
        ),
        batch_size=5000,
    )

    plans = Plan.objects.bulk_create(
        [
            Plan(
                federation=zone,
                name="住院互助",
                kind=Plan._meta.get_field("kind").choices[0][0],
                starts_on=date(2023, 1, 1),
                term_years=3,
                ends_on=date(2025, 12, 31),
                enrol_until=date(2025, 6, 30),
                premium_per_share=Decimal(30),
                max_shares=3,
                status=Plan.Status.PUBLISHED,
                published_at=now,
            )
            for zone in zones
        ]
    )
    plan_of = {p.federation_id: p for p in plans}
    enterprise_of = dict(Enterprise.objects.filter(union__isnull=False).values_list("union_id", "pk"))
    zone_of = {u.pk: u.parent_id for u in unions}
    batches = EnrolmentBatch.objects.bulk_create(
        [
            EnrolmentBatch(
                plan=plan_of[u.parent_id],
                union=u,
                enterprise_id=enterprise_of[u.pk],
                enrolled_on=date(2023, 1, 1),
                people=10,
                fee_total=Decimal(300),
                headcount=10,
                enrolled_total=10,
            )
            for u in unions
            if u.pk in enterprise_of
        ],
        batch_size=5000,
    )
    batch_of = {b.union_id: b for b in batches}
    insured_people = [pk for pk in members if union_of[pk] in batch_of][:claims]
    insured = Insured.objects.bulk_create(
        (
            Insured(
                batch=batch_of[union_of[pk]],
                plan=plan_of[zone_of[union_of[pk]]],
                person_id=pk,
                union_id=union_of[pk],
                shares=1,
                fee=Decimal(30),
                covered_from=date(2023, 1, 1),
                covered_until=date(2025, 12, 31),
                continuous_since=date(2023, 1, 1),
            )
            for pk in insured_people
        ),
        batch_size=5000,
    )
    states = (
        ClaimStatus.PAID,
        ClaimStatus.PAID,
        ClaimStatus.PAID,
        ClaimStatus.SUBMITTED,
        ClaimStatus.REJECTED,
    )
    claims = Claim.objects.bulk_create(
        (
            Claim(
                enrolment=e,
                plan=e.plan,
                person_id=e.person_id,
                union_id=e.union_id,
                status=(state := states[k % len(states)]),
                filed_on=(day := _day(rng, date(2023, 1, 15), date(2025, 12, 31))),
                event_on=day - timedelta(days=10),
                admitted_on=day - timedelta(days=10),
                discharged_on=day - timedelta(days=3),
                cause_hash="0" * 64,
                total_cost=Decimal(5000),
                insurance_paid=Decimal(3000),
                diagnosis_encrypted="x",
                hospital_encrypted="x",
                stay_encrypted="x",
                account_encrypted="x",
                account_masked="6222****0000",
                bank="银行",
                consent_on=day,
                amount=Decimal(700) if state == ClaimStatus.PAID else None,
                created_by=officer,
                created_at=now,
                changed_at=now,
            )
            for k, e in enumerate(insured)
        ),
        batch_size=5000,
    )
    LedgerEntry.objects.bulk_create(
        (
            LedgerEntry(
                claim=c,
                plan=c.plan,
                person_id=c.person_id,
                union_id=c.union_id,
                amount=c.amount,
                paid_on=c.filed_on + timedelta(days=12),
                reference=f"R{c.pk}",
                account_masked=c.account_masked,
            )
            for c in claims
            if c.status == ClaimStatus.PAID
        ),
        batch_size=5000,
    )

    topic = Dispute._meta.get_field("topic").choices[0][0]
    for k in range(cases):  # a child model of LegalCase: saved one by one (no bulk insert across two tables)
        pk = members[(k * 13) % len(members)]
        day = _day(rng, date(2021, 1, 1), date(2025, 12, 31))
        done = k % 3 != 0
        Dispute(
            org_id=union_of[pk] if k % 2 else zone_of[union_of[pk]],
            person_id=pk,
            topic=topic,
            number=f"TJ{k:08d}",
            employer_name="用人单位",
            source=Dispute.Source.APPLICATION,
            received_on=day,
            facts_encrypted="x",
            state=Dispute.State.SUCCEEDED if done else Dispute.State.RECEIVED,
            state_on=day,
            outcome=Dispute.Outcome.AGREEMENT if done else "",
            outcome_on=day + timedelta(days=10) if done else None,
        ).save()


def _median_ms(fn) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _medians_ms(*fns) -> list[float]:
    """Each function's median time, the functions called in turn so that they share the machine's load."""
    times = [[] for _ in fns]
    for _ in range(RUNS):
        for fn, out in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            out.append((time.perf_counter() - started) * 1000)
    return [statistics.median(t) for t in times]


def _sql(statements: str, params: dict):
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for statement in statements.split(";"):
            if statement.strip():
                cursor.execute(statement, params)
                out.extend(cursor.fetchone())
    return out


def measure(root_code: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.core import registry
    from gonghui.orgs.models import Organisation
    from gonghui.reports.selectors import kpis_for

    root = Organisation.objects.get(code=root_code)
    params = {
        "prefix": f"{root.path}%",
        "org": root.pk,
        "start": date(YEAR, 1, 1),
        "end": date(YEAR, 12, 31),
        "prev_start": date(YEAR - 1, 1, 1),
        "prev_end": date(YEAR - 1, 12, 31),
        "last_month": date(YEAR, 12, 1),
        "prev_last_month": date(YEAR - 1, 12, 1),
    }
    with CaptureQueriesContext(connection) as queries:
        figures = kpis_for(root, YEAR)
    raw = _sql(RAW_SQL, params)
    rolled = _sql(ROLLUP_SQL, params)
    assert _sql(ROLLUP_SQL_ONE, params) == rolled
    ours = [figures[k][w] for k in FIGURES for w in ("value", "previous")]
    assert ours == raw, list(zip(ours, raw, strict=True))
    assert rolled == raw, list(zip(rolled, raw, strict=True))
    rolled_up = [registry.kpis[key] for key in ROLLED_UP]
    groups = {}
    for group in registry.kpis:
        with CaptureQueriesContext(connection) as group_queries:
            group.compute(root, YEAR)
        groups[group.key] = (_median_ms(lambda g=group: g.compute(root, YEAR)), len(group_queries))
    all_kpis, raw_sql = _medians_ms(lambda: kpis_for(root, YEAR), lambda: _sql(RAW_SQL, params))
    rolled_up_kpis, rollup_sql, rollup_sql_one = _medians_ms(
        lambda: registry.figures_of(rolled_up, root, YEAR),
        lambda: _sql(ROLLUP_SQL, params),
        lambda: _sql(ROLLUP_SQL_ONE, params),
    )
    return {
        "root": root_code,
        "queries": len(queries),
        "all_kpis_ms": all_kpis,
        "rolled_up_kpis_ms": rolled_up_kpis,
        "raw_sql_ms": raw_sql,
        "rollup_sql_ms": rollup_sql,
        "rollup_sql_one_ms": rollup_sql_one,
        "members_total": figures["members_total"]["value"],
        "groups": groups,
    }


def child(members: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gonghui.core import registry
    from gonghui.orgs.models import Organisation

    call_command("migrate", verbosity=0)
    if Organisation.objects.filter(code="CITY").exists():  # a city kept by --keep: its roll-ups again
        seconds = {}
        for rollup in registry.rollups:
            started = time.perf_counter()
            rollup.rebuild()
            seconds[f"rebuild {rollup.key}"] = time.perf_counter() - started
    else:
        seconds = build(members)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"vendor": connection.vendor, "build_s": seconds, "city": measure("CITY"), "zone": measure("Z00")}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="keep the city in database gonghui_bench_NAME (PostgreSQL) and var/bench/NAME.sqlite3, "
        "and measure a city kept under that name again instead of building it (its roll-ups rebuilt)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        os.environ.update({k: v for k, v in ENV.items() if k not in os.environ})
        print(json.dumps(child(args.members), default=str))
        return
    if args.keep:
        workdir = Path("var/bench").resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="gonghui-bench-kpis-"))
    print(
        f"{args.members:,} members, {UNIONS:,} unions, {ENTERPRISES:,} enterprises, {ATTENDANCES:,} "
        f"attendances, {round(args.members * TRAINEES):,} trainee enrolments, {round(args.members * CLAIMS):,} "
        f"claims, {round(args.members * CASES):,} disputes; median of {RUNS} runs, milliseconds"
    )
    print(
        "| database | root | every KPI (queries) | the rolled-up KPIs | raw SQL (20 figures) | roll-up SQL "
        "| roll-up SQL, one statement | every KPI ÷ raw SQL | rolled-up KPIs ÷ roll-up SQL (one statement) |"
    )
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    per_group = []
    for kind in args.databases.split(","):
        env = {**os.environ, **ENV, "GONGHUI_VAR_DIR": str(workdir / "var")}
        pg_name = None
        if kind == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{workdir / (args.keep or 'kpis')}.sqlite3"
        else:
            import psycopg

            server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
            pg_name = f"gonghui_bench_{args.keep or uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
                if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [pg_name]).fetchone():
                    c.execute(f'CREATE DATABASE "{pg_name}"')
            env["DATABASE_URL"] = f"{server}/{pg_name}"
        try:
            out = subprocess.run(  # noqa: S603 (our own interpreter and code)
                [sys.executable, "-m", "bench.kpis", "--child", "--members", str(args.members)],
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
        finally:
            if pg_name and not args.keep:
                with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
                    c.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        result = json.loads(out.strip().splitlines()[-1])
        for part in ("city", "zone"):
            r = result[part]
            print(
                f"| {result['vendor']} | {r['root']} ({r['members_total']:,} members) "
                f"| {r['all_kpis_ms']:.1f} ({r['queries']}) | {r['rolled_up_kpis_ms']:.1f} "
                f"| {r['raw_sql_ms']:.1f} | {r['rollup_sql_ms']:.2f} | {r['rollup_sql_one_ms']:.2f} "
                f"| {r['all_kpis_ms'] / r['raw_sql_ms']:.2f} | {r['rolled_up_kpis_ms'] / r['rollup_sql_ms']:.1f} "
                f"({r['rolled_up_kpis_ms'] / r['rollup_sql_one_ms']:.1f}) |"
            )
            per_group.append((result["vendor"], r["root"], r["groups"]))
        print(
            f"build on {result['vendor']}: "
            + ", ".join(f"{k} {v:.1f} s" for k, v in result["build_s"].items()),
            flush=True,
        )
    print_groups(per_group)


def print_groups(per_group) -> None:
    print("\nEach KPI group (milliseconds, queries); * reads roll-ups")
    keys = list(per_group[0][2])
    print("| group | " + " | ".join(f"{vendor} {root}" for vendor, root, _g in per_group) + " |")
    print("|---|" + "---|" * len(per_group))
    for key in keys:
        cells = " | ".join(f"{groups[key][0]:.1f} ({groups[key][1]})" for _v, _r, groups in per_group)
        print(f"| {key}{' *' if key in ROLLED_UP else ''} | {cells} |")


if __name__ == "__main__":
    main()
