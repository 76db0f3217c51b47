"""The world of the authorization matrix: two zones under one city, each with its unions, people,
activities, welfare, campaign, founding and roster import; and the people who sign in.

CITY ─┬─ ZONE ──┬─ U0001 (the worker 张甲 is a member)
      │         └─ U0002 (李乙)
      └─ ZONE2 ─── U2001 (王丙)

Every object of U0001 or ZONE is "own" for the officers of U0001, ZONE and CITY; every object of
U2001 or ZONE2 is "foreign" to them and own to ZONE2's. The names of people and enterprises carry a
marker (MARKERS): a page that shows a marker its reader may not see has leaked another union's.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.accounts.models import User
from gonghui.activities import services as activities
from gonghui.core.calendar_services import calendar_correct
from gonghui.core.models import CalendarDay
from gonghui.core.roles import Role
from gonghui.coverage.models import Step
from gonghui.coverage.services import campaign_create, founding_advance, founding_start
from gonghui.members.tests.factories import make_member
from gonghui.orgs.models import Organisation
from gonghui.orgs.services import officer_appoint
from gonghui.orgs.tests.factories import EnterpriseFactory, OrganisationFactory
from gonghui.rosters.models import ImportJob

PASSWORD = "Matrix-password-2025"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ANON, WORKER, U1, U2 = "anonymous", "worker", "admin_u1", "admin_u2"
ZONE, ZONE2, CITY, PLATFORM = "zone_staff", "zone2_staff", "city_staff", "platform"
ACADEMY, LAWYER_A, LAWYER_B = "academy", "lawyer_a", "lawyer_b"
# The three administrators (三权分立): PLATFORM is the system administrator.
SECURITY, AUDIT = "security_admin", "audit_admin"
PERSONAS = (ANON, WORKER, U1, U2, ZONE, ZONE2, CITY, PLATFORM, ACADEMY, LAWYER_A, LAWYER_B, SECURITY, AUDIT)
SIGNED_IN = PERSONAS[1:]

# The marked names each persona may read: their own union's people, their subtree's.
# People: 甲 (U0001), 乙 (U0002), 丙 (U2001); enterprises: 鑫 丑 寅 of those unions, 卯 and 辰 of
# ZONE's and ZONE2's areas without a union.
MARKERS = "甲乙丙鑫丑寅卯辰"
MAY_READ = {
    ANON: "",
    WORKER: "甲鑫",
    U1: "甲鑫",
    U2: "乙丑",
    ZONE: "甲乙鑫丑卯",
    ZONE2: "丙寅辰",
    CITY: MARKERS,
    PLATFORM: MARKERS,
    ACADEMY: "",
    LAWYER_A: "",
    LAWYER_B: "",
    SECURITY: "",
    AUDIT: "",
}


@dataclass
class Side:
    """The objects of one side (own: U0001 and ZONE; foreign: U2001 and ZONE2)."""

    federation: Organisation = None
    union: Organisation = None
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class World:
    users: dict
    own: Side
    foreign: Side
    group: Group
    calendar_day: CalendarDay

    def side(self, which: str) -> Side:
        return self.own if which == "own" else self.foreign


def _user(username, role, organisation=None, person=None, **extra) -> User:
    user = User(username=username, role=role, organisation=organisation, person=person, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def _side(federation, union, union_admin, staff, member, target, *, start: date, spare_marker: str) -> Side:
    """One side's objects, made through the services by that side's own officers."""
    side = Side(federation=federation, union=union)
    o = side.objects
    o["member"] = member
    o["person"] = member.person
    o["enterprise"] = member.enterprise
    o["target_enterprise"] = target
    o["spare_enterprise"] = EnterpriseFactory(name=f"新设{spare_marker}厂", federation=federation)
    o["officer"] = officer_appoint(
        union=union,
        person=member.person,
        role="committee",
        term_start=date(2023, 1, 1),
        term_end=date(2027, 12, 31),
        by=staff,
    )
    o["activity"] = activities.activity_create(
        organiser=union, kind="lecture", title="安全生产宣讲会", held_on=date(2024, 5, 1), by=union_admin
    )
    activities.activity_register(activity=o["activity"], person=member.person, by=union_admin)
    o["distribution"] = activities.welfare_create(
        union=union,
        title="中秋节慰问",
        occasion="holiday",
        distributed_on=date(2024, 9, 13),
        item="月饼一盒",
        amount=Decimal("100.00"),
        by=union_admin,
    )
    o["recipient"] = activities.welfare_add_recipient(
        distribution=o["distribution"], person=member.person, by=union_admin
    )
    o["campaign"] = campaign_create(federation=federation, year=2024, name="2024年建会入会集中行动", by=staff)
    o["target"] = o["campaign"].targets.get(enterprise=target)
    o["founding"] = founding_start(enterprise=target, on=start, by=staff)
    founding_advance(founding=o["founding"], step=Step.SURVEY, by=staff, on=start, note="职工座谈")
    request = founding_advance(
        founding=o["founding"],
        step=Step.REQUEST,
        by=staff,
        on=start,
        documents=[SimpleUploadedFile("建会请示.pdf", PDF, content_type="application/pdf")],
    )
    o["document"] = request.documents.get()
    job = ImportJob(
        union=union,
        created_by=union_admin,
        original_name="名册.xlsx",
        status=ImportJob.Status.DONE,
        summary={"rows": 1, "created": 0, "unchanged": 0, "conflicts": 0, "errors": 1},
    )
    job.file.save("roster.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    job.error_report.save("report.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    job.save()
    o["job"] = job
    return side


def build_world() -> World:
    city = OrganisationFactory(code="CITY", name="明月市总工会", kind=Organisation.Kind.CITY_FEDERATION)
    zone = OrganisationFactory(
        code="ZONE", name="明月经开区总工会", kind=Organisation.Kind.ZONE_FEDERATION, parent=city
    )
    zone2 = OrganisationFactory(
        code="ZONE2", name="明月高新区总工会", kind=Organisation.Kind.ZONE_FEDERATION, parent=city
    )
    u1 = OrganisationFactory(code="U0001", name="锂电一厂工会", parent=zone)
    u2 = OrganisationFactory(code="U0002", name="新能源二厂工会", parent=zone)
    u21 = OrganisationFactory(code="U2001", name="储能三厂工会", parent=zone2)
    member_1 = make_member(u1, name="张甲", enterprise=EnterpriseFactory(name="锂电鑫厂", union=u1))
    make_member(u2, name="李乙", enterprise=EnterpriseFactory(name="新能源丑厂", union=u2))
    admin_u2 = _user("m-admin-u2", Role.UNION_ADMIN, u2)
    ImportJob.objects.create(  # another union's import, beside U0001's: no admin of U0001 sees it
        union=u2, created_by=admin_u2, original_name="名册丑.xlsx", status=ImportJob.Status.DONE
    )
    member_21 = make_member(u21, name="王丙", enterprise=EnterpriseFactory(name="储能寅厂", union=u21))
    users = {
        WORKER: _user("m-worker", Role.WORKER, person=member_1.person),
        U1: _user("m-admin-u1", Role.UNION_ADMIN, u1),
        U2: admin_u2,
        ZONE: _user("m-zone", Role.FEDERATION_STAFF, zone),
        ZONE2: _user("m-zone2", Role.FEDERATION_STAFF, zone2),
        CITY: _user("m-city", Role.FEDERATION_STAFF, city),
        PLATFORM: _user("m-platform", Role.PLATFORM_ADMIN, is_staff=True),
        ACADEMY: _user("m-academy", Role.ACADEMY_STAFF, zone),
        LAWYER_A: _user("m-lawyer-a", Role.LAWYER),
        LAWYER_B: _user("m-lawyer-b", Role.LAWYER),
        SECURITY: _user("m-security", Role.SECURITY_ADMIN),
        AUDIT: _user("m-audit", Role.AUDIT_ADMIN),
    }
    own = _side(
        zone,
        u1,
        users[U1],
        users[ZONE],
        member_1,
        EnterpriseFactory(name="待建会卯材料厂", federation=zone, is_key=True),
        start=date(2024, 3, 1),
        spare_marker="卯",
    )
    foreign = _side(
        zone2,
        u21,
        users[ZONE2],
        users[ZONE2],
        member_21,
        EnterpriseFactory(name="待建会辰材料厂", federation=zone2, is_key=True),
        start=date(2024, 3, 2),
        spare_marker="辰",
    )
    (calendar_day,) = calendar_correct(
        start=date(2027, 1, 1), end=date(2027, 1, 1), kind="holiday", name="元旦", by=users[ZONE]
    )
    world = World(
        users=users,
        own=own,
        foreign=foreign,
        group=Group.objects.create(name="matrix"),
        calendar_day=calendar_day,
    )
    from tests.authorization import apps  # the apps' parts import this module's names

    apps.extend(world)
    return world
