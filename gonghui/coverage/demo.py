"""Demo data of union coverage for 2024: the campaign, the founding workflow's history, visits, officers.

- The zone's 2024 campaign lists the enterprises of its rule that had no union at the start of 2024:
  those still without one and those that founded theirs in 2024.
- Each of the 16 unions founded in 2024 (U0195 of 18 November 2024 with its 320 members among them)
  went through every step, with dates, notes, documents, recruits and the elected officers.
- About 40 of the enterprises still without a union are in progress at different steps; two
  foundings were dropped; the officer in charge carried the group's steps, a second federation
  officer (zone-leader) the approvals.
- Every grassroots union has a committee, an audit committee and, where it has women members, a
  women workers' committee; a few unions' terms have run out (换届逾期).

Deterministic: its own seeded generator; bulk inserts of the rows the services would write.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.dates import term_end_for
from gonghui.core.roles import Role
from gonghui.coverage.models import (
    Campaign,
    Founding,
    FoundingDocument,
    FoundingStep,
    GuidanceVisit,
    Recruit,
    Step,
    Target,
)
from gonghui.coverage.services import FLOW, RULES, Actor, campaign_rule
from gonghui.demo.fake import Faker
from gonghui.demo.world import DEMO_PASSWORD
from gonghui.members.models import Membership, Person
from gonghui.members.services import person_build
from gonghui.orgs.models import Enterprise, Officer, Organisation

YEAR = 2024
IN_PROGRESS = 40
DROPPED = 2
LEADER = ("zone-leader", "园区总工会分管领导（审批）")
PDF = b"%PDF-1.4\n% gonghui demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTES = {
    Step.STARTED: "列入年度建会计划",
    Step.SURVEY: "与企业负责人、职工代表座谈，了解用工和职工入会意愿",
    Step.REQUEST: "企业党组织和职工代表提出建会请示",
    Step.APPROVAL: "同意该企业建立工会",
    Step.PREPARATORY: "筹备组成立，在选举前行使工会委员会职责",
    Step.RECRUITMENT: "集中宣讲，现场办理入会登记",
    Step.GROUPS: "按车间建立工会小组",
    Step.SLATE: "同意候选人名单",
    Step.ASSEMBLY: "通过选举办法，审议工会章程",
    Step.ELECTION: "无记名投票，差额选举",
    Step.RESULTS_APPROVAL: "同意选举结果",
    Step.ESTABLISHED: "工会成立，颁发法人资格证书材料齐备",
    Step.DROPPED: "企业停产搬迁，暂缓建会",
}
DOCUMENTS = {
    Step.REQUEST: "建会请示.pdf",
    Step.APPROVAL: "关于同意建立工会的批复.pdf",
    Step.ASSEMBLY: "会员大会会议纪要.pdf",
    Step.ELECTION: "选举结果报告.pdf",
    Step.RESULTS_APPROVAL: "关于选举结果的批复.pdf",
}
TOPICS = (
    "宣讲《工会法》和入会的好处",
    "了解职工人数和班组结构",
    "商定筹备组人选",
    "指导会员登记和小组划分",
    "指导召开会员大会",
)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


class _Histories:
    """Collects founding rows, then saves them in a few bulk inserts."""

    def __init__(self, staff: User, leader: User):
        self.staff, self.leader = staff, leader
        self.steps: list[tuple[Founding, FoundingStep]] = []
        self.reached: dict[int, str] = {}  # id of a founding → its last step recorded

    def record(self, founding: Founding, step: Step, on: date, data: dict | None = None):
        by = self.leader if RULES.get(step) and RULES[step].actor == Actor.APPROVAL else self.staff
        record = FoundingStep(
            from_state=self.reached.get(id(founding), ""),
            to_state=step,
            on=on,
            at=_aware(on),
            by=by,
            by_name=by.username,
            note=NOTES[step],
            data=data or {},
        )
        self.reached[id(founding)] = step
        self.steps.append((founding, record))

    def save(self):
        for founding, step in self.steps:
            step.founding_id = founding.pk
        FoundingStep.objects.bulk_create([s for _f, s in self.steps], batch_size=1000)
        documents = []
        for _founding, step in self.steps:
            if step.to_state in DOCUMENTS:
                path = default_storage.save(
                    f"founding/{step.founding_id}/{step.to_state}.pdf", ContentFile(PDF)
                )
                documents.append(
                    FoundingDocument(step=step, file=path, name=DOCUMENTS[step.to_state], size=len(PDF))
                )
        FoundingDocument.objects.bulk_create(documents)


def _content(step: Step, people: list[Person], faker: Faker, on: date) -> dict:
    names = [p.name for p in people]
    ids = [p.pk for p in people]
    if step == Step.PREPARATORY:
        return {"members": [faker.name() for _ in range(faker.random.randint(3, 5))]}
    if step == Step.RECRUITMENT:
        return {"recruits": len(people)}
    if step == Step.GROUPS:
        return {"groups": [f"生产{i}组" for i in "一二三"[: faker.random.randint(1, 3)]]}
    if step == Step.SLATE:
        return {"candidates": ids[:7], "names": names[:7]}
    if step == Step.ASSEMBLY:
        expected = len(people)
        return {"expected": expected, "present": expected - expected // 10}
    if step == Step.ELECTION:
        chair, vice, c1, c2, audit_chair, *rest = ids[:7]
        return {
            "chair": chair,
            "vice_chairs": [vice],
            "committee": [c1, c2],
            "audit_chair": audit_chair,
            "audit_members": rest[:1],
            "term_years": 5,
            "term_start": on.isoformat(),
            "names": {str(p.pk): p.name for p in people[:7]},
        }
    return {}


def _dates(start: date, end: date, count: int) -> list[date]:
    """count dates from start to end, evenly spaced."""
    span = (end - start).days
    return [start + timedelta(days=span * i // max(count - 1, 1)) for i in range(count)]


def _officers_from_election(union: Organisation, election: dict) -> list[Officer]:
    start = date.fromisoformat(election["term_start"])
    end = term_end_for(start, election["term_years"])
    offices = [(election["chair"], Officer.Role.CHAIR), (election["audit_chair"], Officer.Role.AUDIT_CHAIR)]
    offices += [(pk, Officer.Role.VICE_CHAIR) for pk in election["vice_chairs"]]
    offices += [(pk, Officer.Role.COMMITTEE) for pk in election["committee"]]
    offices += [(pk, Officer.Role.AUDIT_MEMBER) for pk in election["audit_members"]]
    return [
        Officer(union=union, person_id=pk, role=role, term_start=start, term_end=end) for pk, role in offices
    ]


def build_coverage(seed: int) -> None:
    """Loads the coverage demo into a database where the zone, its members and sign-ins are built."""
    faker = Faker(seed + 1)
    zone = Organisation.objects.get(code="ZONE")
    staff = User.objects.get(username="zone-admin")
    leader = User(username=LEADER[0], role=Role.FEDERATION_STAFF, organisation=zone, first_name=LEADER[1])
    leader.set_password(DEMO_PASSWORD)
    leader.save()

    campaign = Campaign.objects.create(
        federation=zone,
        year=YEAR,
        name="2024年建会入会集中行动",
        created_by=staff,
        created_at=_aware(date(YEAR, 1, 8)),
    )
    new_unions = list(
        Organisation.objects.grassroots().filter(established_on__year=YEAR).order_by("established_on")
    )
    targets = list(
        Enterprise.objects.filter(campaign_rule(campaign))
        .filter(Q(union__isnull=True) | Q(union__in=new_unions))
        .order_by("pk")
    )
    Target.objects.bulk_create(
        [
            Target(
                campaign=campaign,
                enterprise=e,
                officer=None if i % 9 == 8 else staff,
                added_on=date(YEAR, 1, 8),
            )
            for i, e in enumerate(targets)
        ]
    )

    histories = _Histories(staff, leader)
    officers: list[Officer] = []
    recruits: list[Recruit] = []
    visits: list[tuple[GuidanceVisit, Enterprise]] = []

    # The 16 unions founded in 2024: every step, the early joiners as recruits, the elected officers.
    members = defaultdict(list)
    for union_id, person_id, started in (
        Membership.objects.filter(union__in=new_unions)
        .order_by("started_on", "person_id")
        .values_list("union_id", "person_id", "started_on")
    ):
        members[union_id].append((person_id, started))
    people = Person.objects.in_bulk([pk for rows in members.values() for pk, _s in rows])
    enterprises = {e.union_id: e for e in Enterprise.objects.filter(union__in=new_unions)}
    for union in new_unions:
        founded = union.established_on
        early = [people[pk] for pk, started in members[union.pk] if started <= founded + timedelta(days=45)]
        early = early if len(early) >= 7 else [people[pk] for pk, _s in members[union.pk][:7]]
        founding = Founding(
            enterprise=enterprises[union.pk],
            state=Step.ESTABLISHED,
            state_on=founded,
            union=union,
            created_at=_aware(founded - timedelta(days=150)),
        )
        founding.save()
        days = _dates(founded - timedelta(days=150), founded, len(FLOW))
        for step, on in zip(FLOW, days, strict=True):
            content = _content(step, early, faker, on)
            if step == Step.ESTABLISHED:
                content = {"union": union.code, "name": union.name}
            histories.record(founding, step, on, content)
            if step == Step.ELECTION:
                officers += _officers_from_election(union, content)
            if step == Step.RECRUITMENT:
                recruits += [
                    Recruit(founding=founding, person=p, registered_on=on, registered_by=staff) for p in early
                ]
        visits += [(_visit(faker, founding, d, staff, leader), founding.enterprise) for d in days[1:4]]

    # About 40 enterprises still on their way, at every step from the start to the results' approval.
    without = [t for t in targets if t.union_id is None]
    open_states = FLOW[: FLOW.index(Step.RESULTS_APPROVAL) + 1]
    for i, enterprise in enumerate(without[: IN_PROGRESS + DROPPED]):
        state = open_states[i % len(open_states)]
        done = FLOW[: FLOW.index(state) + 1]
        start = faker.date_between(date(YEAR, 2, 1), date(YEAR, 7, 31))
        days = [start + timedelta(days=14 * n) for n in range(len(done))]
        founding = Founding(enterprise=enterprise, state=state, state_on=days[-1], created_at=_aware(start))
        founding.save()
        recruited = []
        if FLOW.index(state) >= FLOW.index(Step.PREPARATORY):
            recruited = _recruit_people(faker, faker.random.randint(7, 25))
            recruits += [
                Recruit(
                    founding=founding,
                    person=p,
                    registered_on=days[FLOW.index(Step.PREPARATORY)],
                    registered_by=staff,
                )
                for p in recruited
            ]
        for step, on in zip(done, days, strict=True):
            histories.record(founding, step, on, _content(step, recruited, faker, on))
        if i >= IN_PROGRESS:  # dropped with a reason
            drop_on = days[-1] + timedelta(days=20)
            histories.record(founding, Step.DROPPED, drop_on)
            founding.state, founding.state_on = Step.DROPPED, drop_on
            founding.save(update_fields=["state", "state_on"])
        visits += [
            (_visit(faker, founding, d, staff, leader), enterprise) for d in days[:: max(len(days) // 2, 1)]
        ]
    histories.save()
    Recruit.objects.bulk_create(recruits, batch_size=1000)

    saved = GuidanceVisit.objects.bulk_create([v for v, _e in visits])
    through = GuidanceVisit.officers.through
    through.objects.bulk_create(
        [through(guidancevisit_id=v.pk, user_id=u.pk) for v in saved for u in (staff, leader)[: 1 + v.pk % 2]]
    )

    officers += _committees(faker, exclude=new_unions)
    Officer.objects.bulk_create(officers, batch_size=1000)


def build(world) -> None:
    build_coverage(world.seed)


def _visit(faker: Faker, founding: Founding, on: date, staff: User, leader: User) -> GuidanceVisit:
    return GuidanceVisit(
        enterprise=founding.enterprise,
        founding=founding,
        visited_on=on,
        discussed=faker.random.choice(TOPICS),
        next_step="按计划推进下一步骤",
        recorded_by=staff,
        created_at=_aware(on),
    )


def _recruit_people(faker: Faker, count: int) -> list[Person]:
    """Workers registered during founding: new people, saved in one insert."""
    built = []
    for _ in range(count):
        born = faker.birth_date(1970, 1999)
        built.append(
            person_build(id_number=faker.resident_id(born=born), name=faker.name(), mobile=faker.mobile())
        )
    return Person.objects.bulk_create(built)


def _committees(faker: Faker, exclude: list[Organisation]) -> list[Officer]:
    """Officers of the unions founded before 2024: most elected in 2022-2024, some whose term has run out."""
    unions = Organisation.objects.grassroots().exclude(pk__in=[u.pk for u in exclude]).order_by("code")
    active = defaultdict(list)
    for union_id, person_id, gender in (
        Membership.objects.active()
        .filter(union__in=unions)
        .order_by("union_id", "person_id")
        .values_list("union_id", "person_id", "person__gender")
    ):
        if len(active[union_id]) < 40:
            active[union_id].append((person_id, gender))
    rows = []
    for union in unions:
        people = active[union.pk]
        if len(people) < 6:
            continue
        overdue = faker.random.random() < 0.12
        start = (
            faker.date_between(date(2017, 3, 1), date(2019, 6, 30))
            if overdue
            else faker.date_between(max(date(2022, 1, 1), union.established_on), date(YEAR, 12, 31))
        )
        end = term_end_for(start, 5)
        ids = [pk for pk, _g in people]
        women = [pk for pk, g in people if g == "F"]
        offices = [(ids[0], Officer.Role.CHAIR), (ids[1], Officer.Role.VICE_CHAIR)]
        offices += [(ids[2], Officer.Role.COMMITTEE), (ids[3], Officer.Role.COMMITTEE)]
        offices += [(ids[4], Officer.Role.AUDIT_CHAIR), (ids[5], Officer.Role.AUDIT_MEMBER)]
        offices += [
            (pk, Officer.Role.WOMEN_CHAIR if n == 0 else Officer.Role.WOMEN_MEMBER)
            for n, pk in enumerate(women[:3])
        ]
        rows += [
            Officer(union=union, person_id=pk, role=role, term_start=start, term_end=end)
            for pk, role in offices
        ]
    return rows
