"""Every write service checks its actor: called on U0001's (or ZONE's) objects by the admin of another
union (U0002) and by federation staff of another zone (ZONE2), each refuses with NotInScope and
changes nothing — no row, no audit entry. The same calls by an actor in scope succeed, so a refusal
is the scope's and not some other check's.

The views, commands and the API call these services; a form's choice list is not the guard.
"""

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase, override_settings

from gonghui.activities import services as activities
from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope
from gonghui.coverage import services as coverage
from gonghui.coverage.models import Step
from gonghui.demo.fake import Faker
from gonghui.members import services as members
from gonghui.members.tests.factories import new_id_number
from gonghui.orgs import services as orgs
from gonghui.orgs.models import Organisation
from gonghui.orgs.tests.factories import OrganisationFactory
from gonghui.rosters import services as rosters
from gonghui.rosters.tests.files import roster_rows, write_xlsx
from tests.authorization import apps
from tests.authorization.common import Call
from tests.authorization.world import CITY, PDF, U1, U2, ZONE, ZONE2, build_world


def _join(w, by):
    return members.member_join(
        union=w.own.union,
        id_number=new_id_number(),
        name="赵新",
        mobile="13800000001",
        started_on=date(2024, 6, 1),
        by=by,
    )


def _roster(w) -> Path:
    path = Path(w.tmp_path("roster.xlsx"))
    return write_xlsx(path, roster_rows(2, [w.own.enterprise.name]))


CALLS = {
    # orgs
    "organisation_create": Call(
        lambda w, by: orgs.organisation_create(
            code="U0009",
            name="新设工会",
            kind=Organisation.Kind.ENTERPRISE_UNION,
            parent=w.own.federation,
            by=by,
        ),
        ZONE,
    ),
    "organisation_dissolve": Call(
        lambda w, by, union: orgs.organisation_dissolve(organisation=union, on=date(2024, 6, 1), by=by),
        ZONE,
        prepare=lambda w: {"union": OrganisationFactory(code="U0008", parent=w.own.federation)},
    ),
    "enterprise_create": Call(
        lambda w, by: orgs.enterprise_create(
            name="新登记企业", credit_code=Faker(5).credit_code(), federation=w.own.federation, by=by
        ),
        ZONE,
    ),
    "enterprise_update": Call(
        lambda w, by: orgs.enterprise_update(enterprise=w.own.enterprise, headcount=999, by=by), U1
    ),
    "officer_appoint": Call(
        lambda w, by: orgs.officer_appoint(
            union=w.own.union,
            person=w.own.person,
            role="vice_chair",
            term_start=date(2024, 1, 1),
            term_end=date(2028, 12, 31),
            by=by,
        ),
        U1,
    ),
    "officer_stand_down": Call(
        lambda w, by: orgs.officer_stand_down(officer=w.own.officer, on=date(2024, 6, 1), by=by), U1
    ),
    # members
    "person_update": Call(
        lambda w, by: members.person_update(person=w.own.person, mobile="13900000009", by=by), U1
    ),
    "person_reveal_id": Call(lambda w, by: members.person_reveal_id(person=w.own.person, by=by), U1),
    "member_join": Call(_join, U1),
    "member_transfer": Call(
        lambda w, by: members.member_transfer(
            membership=w.own.member,
            to_union=Organisation.objects.get(code="U0002"),
            on=date(2024, 6, 1),
            by=by,
        ),
        U1,
    ),
    "member_leave": Call(
        lambda w, by: members.member_leave(membership=w.own.member, on=date(2024, 6, 1), by=by), U1
    ),
    # activities and welfare
    "activity_create": Call(
        lambda w, by: activities.activity_create(
            organiser=w.own.union, kind="lecture", title="宣讲会", held_on=date(2024, 6, 1), by=by
        ),
        U1,
    ),
    "activity_register": Call(
        lambda w, by, activity: activities.activity_register(activity=activity, person=w.own.person, by=by),
        U1,
        prepare=lambda w: {
            "activity": activities.activity_create(
                organiser=w.own.union, kind="lecture", title="报名", held_on=date(2024, 6, 1), by=w.users[U1]
            )
        },
    ),
    "activity_record_attendance": Call(
        lambda w, by: activities.activity_record_attendance(activity=w.own.activity, attended=[], by=by), U1
    ),
    "activity_cancel": Call(lambda w, by: activities.activity_cancel(activity=w.own.activity, by=by), U1),
    "welfare_create": Call(
        lambda w, by: activities.welfare_create(
            union=w.own.union,
            title="慰问",
            occasion="holiday",
            distributed_on=date(2024, 6, 1),
            item="大米",
            amount=Decimal("50.00"),
            by=by,
        ),
        U1,
    ),
    "welfare_add_recipient": Call(
        lambda w, by, distribution: activities.welfare_add_recipient(
            distribution=distribution, person=w.own.person, by=by
        ),
        U1,
        prepare=lambda w: {
            "distribution": activities.welfare_create(
                union=w.own.union,
                title="慰问",
                occasion="holiday",
                distributed_on=date(2024, 6, 1),
                item="大米",
                amount=Decimal("50.00"),
                by=w.users[U1],
            )
        },
    ),
    "welfare_add_all_members": Call(
        lambda w, by: activities.welfare_add_all_members(distribution=w.own.distribution, by=by), U1
    ),
    "welfare_remove_recipient": Call(
        lambda w, by: activities.welfare_remove_recipient(recipient=w.own.recipient, by=by), U1
    ),
    "welfare_sign_off": Call(
        lambda w, by: activities.welfare_sign_off(distribution=w.own.distribution, by=by), ZONE
    ),
    # union coverage
    "campaign_create": Call(
        lambda w, by: coverage.campaign_create(
            federation=w.own.federation, year=2025, name="2025年行动", by=by
        ),
        ZONE,
    ),
    "campaign_refresh_targets": Call(
        lambda w, by: coverage.campaign_refresh_targets(campaign=w.own.campaign, by=by), ZONE
    ),
    "target_assign": Call(
        lambda w, by: coverage.target_assign(target=w.own.target, officer=None, by=by), ZONE
    ),
    "founding_start": Call(
        lambda w, by: coverage.founding_start(enterprise=w.own.spare_enterprise, on=date(2024, 6, 1), by=by),
        ZONE,
    ),
    "founding_advance": Call(
        lambda w, by: coverage.founding_advance(
            founding=w.own.founding,
            step=Step.APPROVAL,
            by=by,
            on=date(2024, 6, 1),
            documents=[SimpleUploadedFile("批复.pdf", PDF, content_type="application/pdf")],
        ),
        CITY,  # an approval: by someone who carried none of the preparatory steps
    ),
    "founding_drop": Call(
        lambda w, by: coverage.founding_advance(
            founding=w.own.founding, step=Step.DROPPED, by=by, on=date(2024, 6, 1), note="企业搬迁"
        ),
        ZONE,
    ),
    "recruit_register": Call(
        lambda w, by: coverage.recruit_register(
            founding=w.own.founding,
            id_number=new_id_number(),
            name="钱进",
            mobile="13700000002",
            registered_on=date(2024, 6, 1),
            by=by,
        ),
        None,  # in scope, it is refused for the step (recruiting starts with the preparatory group)
    ),
    "visit_record": Call(
        lambda w, by: coverage.visit_record(
            enterprise=w.own.target_enterprise,
            visited_on=date(2024, 6, 1),
            officers=[by],
            discussed="了解建会意愿",
            by=by,
        ),
        ZONE,
    ),
    # rosters
    "roster_import": Call(lambda w, by: rosters.roster_import(path=_roster(w), union=w.own.union, by=by), U1),
    "import_job_create": Call(
        lambda w, by: rosters.import_job_create(
            union=w.own.union, upload=SimpleUploadedFile("名册.xlsx", _roster(w).read_bytes()), by=by
        ),
        U1,
    ),
    "roster_export": Call(
        lambda w, by: rosters.roster_export(user=by, org=w.own.union, out=w.tmp_path("x.xlsx")), U1
    ),
    "import_job_confirm": Call(lambda w, by: rosters.import_job_confirm(job=w.own.job, by=by), None),
}

CALLS |= apps.gather("CALLS")

OUTSIDERS = (U2, ZONE2)  # another union of the same zone; another zone's federation staff


@override_settings(
    STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
)
class ServicesCheckTheirActor(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.world.tmp_path = lambda name: str(Path(directory.name) / name)

    def check(self, name: str, call: Call):
        w = self.world
        for outsider in OUTSIDERS:
            with self.subTest(service=name, actor=outsider), transaction.atomic():
                prepared = call.prepare(w)
                audit_rows = AuditLog.objects.count()
                with self.assertRaises(NotInScope, msg=f"{name} by {outsider}"):
                    call.call(w, w.users[outsider], **prepared)
                self.assertEqual(AuditLog.objects.count(), audit_rows, f"{name} by {outsider} wrote")
                transaction.set_rollback(True)
        if call.allowed is not None:
            with transaction.atomic():
                call.call(w, w.users[call.allowed], **call.prepare(w))
                transaction.set_rollback(True)


def _test(name: str, call: Call):
    def test(self):
        self.check(name, call)

    test.__name__ = f"test_{name}"
    return test


for _name, _call in CALLS.items():
    setattr(ServicesCheckTheirActor, f"test_{_name}", _test(_name, _call))


class TransfersStayInScope(TestCase):
    """A union admin transfers to the unions of their own federation, never to another zone's."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def test_a_union_admin_cannot_transfer_a_member_to_another_zone(self):
        w = self.world
        with self.assertRaises(NotInScope):
            members.member_transfer(
                membership=w.own.member, to_union=w.foreign.union, on=date(2024, 6, 1), by=w.users[U1]
            )
        w.own.member.refresh_from_db()
        self.assertTrue(w.own.member.is_active)
