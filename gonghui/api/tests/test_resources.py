"""The skills and rights resources of the API, on the authorization matrix's world (two zones, a
lawyer on each side): what each list and action answers, that lists hold no medical details or case
files, that those reads are audited, that another union, another zone's staff and another lawyer
get 404, and that no list's query count grows with its rows."""

import tempfile
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.academy import services as academy
from gonghui.api.services import token_create
from gonghui.api.tests.conftest import CheckedClient
from gonghui.api.throttling import PerToken
from gonghui.contests import services as contests
from gonghui.contests.models import Score
from gonghui.core.models import AuditLog
from gonghui.demo.fake import Faker
from gonghui.members.models import Membership
from gonghui.members.tests.factories import SETUP, make_member
from gonghui.mutual_aid.models import LedgerEntry
from gonghui.rosters.tests.files import member_row, write_xlsx
from tests.authorization.apps.contests import make_event
from tests.authorization.apps.legal import FACTS
from tests.authorization.world import (
    ACADEMY,
    CITY,
    LAWYER_A,
    LAWYER_B,
    U1,
    U2,
    ZONE,
    ZONE2,
    build_world,
)

# the roster check reads its upload from a path
ON_DISK = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
MEDICAL = ("急性阑尾炎", "市人民医院", "手术治疗", "6222020200112233445")


def clone(obj, **changes):
    """Another row like obj (for the query counts only: the services make the real ones)."""
    row = type(obj).objects.get(pk=obj.pk)
    row.pk = row.id = None
    row._state.adding = True
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()
    return row


@override_settings(
    STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
)
class Resources(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.own, cls.foreign = cls.world.own, cls.world.foreign

    def api(self, persona=None) -> CheckedClient:
        client = CheckedClient()
        if persona is not None:
            _row, token = token_create(user=self.world.users[persona], name="tests", by=SETUP)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    # --- mutual aid ---

    def test_claims_lists_hold_no_medical_details_and_their_read_is_audited(self):
        client = self.api(ZONE)
        claim = self.own.claim
        for url in ("/api/v1/mutual-aid/claims/", f"/api/v1/mutual-aid/claims/{claim.pk}/"):
            body = client.get(url).content.decode()
            assert "张甲" in body and not any(secret in body for secret in MEDICAL), url
        medical = client.get(f"/api/v1/mutual-aid/claims/{claim.pk}/medical/")
        assert medical.status_code == 200
        assert medical.json()["diagnosis"] == "急性阑尾炎"
        assert (
            AuditLog.objects.filter(action="mutual_aid.claim.view_medical", object_id=str(claim.pk)).count()
            == 1
        )
        # the city's staff read the claim but do not handle it
        assert self.api(CITY).get(f"/api/v1/mutual-aid/claims/{claim.pk}/medical/").status_code == 404

    def test_claims_filter_as_the_page_does(self):
        client = self.api(ZONE)
        rows = client.get("/api/v1/mutual-aid/claims/", {"status": "amount_set"}).json()["results"]
        assert [r["id"] for r in rows] == [self.own.claims["amount_set"].pk]
        assert client.get("/api/v1/mutual-aid/claims/", {"year": 2023}).json()["results"] == []
        wrong = client.get("/api/v1/mutual-aid/claims/", {"status": "paid-twice"})
        assert wrong.status_code == 400 and "status" in wrong.json()["errors"]
        assert "year" in client.get("/api/v1/mutual-aid/claims/", {"year": "x"}).json()["errors"]

    def test_a_claim_whose_amount_is_set_is_paid_once(self):
        claim = self.own.claims["amount_set"]
        url = f"/api/v1/mutual-aid/claims/{claim.pk}/pay/"
        body = {"paid_on": date.today().isoformat(), "reference": "ICBC-20240601-0001"}
        for outsider in (U2, ZONE2, LAWYER_A):
            assert self.api(outsider).post(url, body, format="json").status_code == 404, outsider
        client = self.api(ZONE)
        bad_date = client.post(url, {**body, "paid_on": "2024-13-01"}, format="json")
        assert bad_date.status_code == 400 and "paid_on" in bad_date.json()["errors"]
        paid = client.post(url, body, format="json")
        assert paid.status_code == 201, paid.json()
        assert paid.json()["amount"] == str(claim.amount) and paid.json()["claim"] == claim.pk
        again = client.post(url, body, format="json")
        assert again.status_code == 400 and "status" in again.json()["errors"]
        assert LedgerEntry.objects.filter(claim=claim).count() == 1
        not_set = client.post(f"/api/v1/mutual-aid/claims/{self.own.claim.pk}/pay/", body, format="json")
        assert not_set.status_code == 400 and "status" in not_set.json()["errors"]

    # --- the legal service ---

    def test_a_lawyer_reaches_only_their_own_cases(self):
        lawyer_a, lawyer_b = self.api(LAWYER_A), self.api(LAWYER_B)
        for kind, name in (
            ("consultations", "consultation"),
            ("aid-cases", "aid_case"),
            ("disputes", "dispute"),
        ):
            own = getattr(self.own, name)
            listed = lawyer_a.get(f"/api/v1/legal/{kind}/").json()["results"]
            assert [r["id"] for r in listed] == [own.pk], kind
            assert lawyer_b.get(f"/api/v1/legal/{kind}/{own.pk}/").status_code == 404, kind
            assert lawyer_b.get(f"/api/v1/legal/{kind}/{own.pk}/file/").status_code == 404, kind
            assert self.api(ZONE2).get(f"/api/v1/legal/{kind}/{own.pk}/").status_code == 404, kind

    def test_case_files_are_never_listed_and_their_read_is_audited(self):
        client = self.api(LAWYER_A)
        dispute = self.own.dispute
        for url in ("/api/v1/legal/disputes/", f"/api/v1/legal/disputes/{dispute.pk}/"):
            assert FACTS not in client.get(url).content.decode(), url
        file = client.get(f"/api/v1/legal/disputes/{dispute.pk}/file/")
        assert file.status_code == 200
        assert FACTS in [part["text"] for part in file.json()]
        assert AuditLog.objects.filter(action="legal.file_view", object_id=str(dispute.pk)).count() == 1

    def test_case_lists_filter_by_state_year_and_deadline(self):
        client = self.api(ZONE)
        assert client.get("/api/v1/legal/disputes/", {"state": "succeeded"}).json()["results"]
        assert client.get("/api/v1/legal/disputes/", {"state": "closed"}).json()["results"] == []
        assert client.get("/api/v1/legal/aid-cases/", {"year": 2023}).json()["results"] == []
        assert client.get("/api/v1/legal/aid-cases/", {"due": "maybe"}).status_code == 400

    # --- events ---

    def test_an_officer_registers_a_member_and_checks_them_in_at_the_door(self):
        event = self.own.event
        newcomer = make_member(self.own.union, name="周新", enterprise=self.own.enterprise)
        key = {"person": newcomer.person.reveal_id_number()}
        assert (
            self.api(U2).post(f"/api/v1/events/{event.pk}/register/", key, format="json").status_code == 404
        )
        client = self.api(U1)
        registered = client.post(f"/api/v1/events/{event.pk}/register/", key, format="json")
        assert registered.status_code == 201, registered.json()
        assert registered.json()["status"] == "confirmed"
        assert newcomer.person.reveal_id_number() not in registered.content.decode()
        door = {"person": newcomer.person_id}
        for outsider in (U2, ZONE2):
            assert (
                self.api(outsider)
                .post(f"/api/v1/events/{event.pk}/check-in/", door, format="json")
                .status_code
                == 404
            )
        assert client.post(f"/api/v1/events/{event.pk}/check-in/", door, format="json").status_code == 201
        twice = client.post(f"/api/v1/events/{event.pk}/check-in/", door, format="json")
        assert twice.status_code == 400 and "person" in twice.json()["errors"]
        rows = client.get("/api/v1/events/registrations/", {"event": event.pk}).json()["results"]
        assert {r["person_name"]: bool(r["checked_in_at"]) for r in rows} == {"张甲": False, "周新": True}

    # --- the academy ---

    def test_academy_staff_enrol_a_member_in_a_class(self):
        staff = self.world.users[ACADEMY]
        today = timezone.localdate()
        training_class = academy.class_create(
            course=self.own.course,
            mode="offline",
            name="下一期",
            starts_on=today + timedelta(days=7),
            ends_on=today + timedelta(days=9),
            place="实训楼",
            capacity=1,
            by=staff,
        )
        url = f"/api/v1/academy/classes/{training_class.pk}/enrol/"
        newcomer = make_member(self.own.union, name="吴新", enterprise=self.own.enterprise)
        client = self.api(ACADEMY)
        seated = client.post(url, {"person": self.own.person.reveal_id_number()}, format="json")
        assert seated.status_code == 201 and seated.json()["status"] == "enrolled"
        waiting = client.post(url, {"person": newcomer.person.reveal_id_number()}, format="json")
        assert waiting.status_code == 201 and waiting.json()["status"] == "waiting"
        stranger = client.post(url, {"person": self.foreign.person.reveal_id_number()}, format="json")
        assert stranger.status_code == 400 and "person" in stranger.json()["errors"]
        listed = client.get("/api/v1/academy/enrolments/", {"training_class": training_class.pk}).json()
        assert sorted(r["status"] for r in listed["results"]) == ["enrolled", "waiting"]
        seats = client.get(f"/api/v1/academy/classes/{training_class.pk}/").json()
        assert (seats["seated"], seats["waiting"]) == (1, 1)

    def test_anyone_checks_a_certificate_without_signing_in(self):
        certificate = self.own.certificate
        response = self.api().get(f"/api/v1/academy/certificates/verify/{certificate.token}")
        assert response.status_code == 200
        assert response.json()["valid"] is True and response.json()["number"] == certificate.number
        assert response.json()["holder"] != "张甲" and response.json()["holder"].startswith("张")
        unknown = self.api().get("/api/v1/academy/certificates/verify/forged")
        assert unknown.status_code == 404 and unknown["Content-Type"] == "application/problem+json"
        assert self.api().get("/api/v1/academy/certificates/verify/a%00b").status_code == 404

    # --- contests ---

    def test_only_a_judge_of_the_event_scores(self):
        made = make_event(self.world, "own", name="焊接")
        contests.judge_add(event=made["event"], user=self.world.users[ACADEMY], by=self.world.users[ZONE])
        url = f"/api/v1/contests/events/{made['event'].pk}/score/"
        body = {"registration": made["registration"].pk, "criterion": made["criterion"].pk, "value": "1"}
        for outsider in (ZONE, U1, ZONE2):  # the contest's staff, the competitor's union, another zone
            assert self.api(outsider).post(url, body, format="json").status_code == 404, outsider
        judge = self.api(ACADEMY)
        scored = judge.post(url, body, format="json")
        assert scored.status_code == 201, scored.json()
        assert scored.json()["value"] == "1.00"
        changed = judge.post(url, {**body, "value": "0"}, format="json")
        assert changed.status_code == 400 and "reason" in changed.json()["errors"]
        mine = judge.get("/api/v1/contests/scores/").json()["results"]
        assert [s["id"] for s in mine] == [scored.json()["id"]]
        other_event = f"/api/v1/contests/events/{self.foreign.contest_event.pk}/score/"
        assert judge.post(other_event, body, format="json").status_code == 404

    def test_contest_lists_filter_by_year_contest_and_event(self):
        client = self.api(ZONE)
        assert client.get("/api/v1/contests/", {"year": 2023}).json()["results"] == []
        event = self.own.contest_event
        events = client.get("/api/v1/contests/events/", {"contest": event.contest_id}).json()["results"]
        assert [e["id"] for e in events] == [event.pk]
        entries = client.get("/api/v1/contests/registrations/", {"event": event.pk}).json()["results"]
        assert [r["person_name"] for r in entries] == ["张甲"]

    # --- honours ---

    def test_nominations_filter_by_round_and_another_zone_sees_none(self):
        nomination = self.own.nomination
        rows = self.api(ZONE).get("/api/v1/honours/nominations/", {"round": nomination.round_id}).json()
        assert [r["id"] for r in rows["results"]] == [nomination.pk]
        assert (
            self.api(ZONE2)
            .get("/api/v1/honours/nominations/", {"round": nomination.round_id})
            .json()["results"]
            == []
        )
        assert "deeds" not in rows["results"][0]
        assert "deeds" in self.api(ZONE).get(f"/api/v1/honours/nominations/{nomination.pk}/").json()

    # --- roster imports ---

    def test_a_roster_is_uploaded_checked_confirmed_and_imported(self):
        with (
            tempfile.TemporaryDirectory() as media,
            self.settings(STORAGES=ON_DISK, MEDIA_ROOT=media),
        ):
            self._import_a_roster(Path(media))

    def _import_a_roster(self, directory):
        faker = Faker(seed=12)
        path = write_xlsx(
            directory / "upload.xlsx",
            [member_row(faker, self.own.enterprise.name), member_row(faker, self.own.enterprise.name)],
        )
        client = self.api(U1)
        with open(path, "rb") as upload:
            refused = self.api(U2).post(
                "/api/v1/rosters/jobs/", {"union": self.own.union.code, "file": upload}, format="multipart"
            )
        assert refused.status_code == 404
        with open(path, "rb") as upload:
            created = client.post(
                "/api/v1/rosters/jobs/", {"union": self.own.union.code, "file": upload}, format="multipart"
            )
        assert created.status_code == 201, created.json()
        job = created.json()
        assert job["status"] == "checked" and job["summary"]["created"] == 2, job
        before = Membership.objects.filter(union=self.own.union).count()
        assert self.api(U2).post(f"/api/v1/rosters/jobs/{job['id']}/confirm/").status_code == 404
        confirmed = client.post(f"/api/v1/rosters/jobs/{job['id']}/confirm/")
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "done"
        assert Membership.objects.filter(union=self.own.union).count() == before + 2
        assert client.get(f"/api/v1/rosters/jobs/{job['id']}/").json()["status"] == "done"
        again = client.post(f"/api/v1/rosters/jobs/{job['id']}/confirm/")
        assert again.status_code == 400

    # --- query counts ---

    @mock.patch.object(
        PerToken, "allow_request", return_value=True
    )  # a new minute's window is not the list's
    def test_no_list_query_count_grows_with_its_rows(self, _throttle):
        for url, (persona, grow) in LISTS.items():
            with self.subTest(url=url):
                client = self.api(persona)
                client.get(url)  # the token's first request notes when it was last used
                few = self._queries(client, url)
                for i in range(20):
                    grow(self.world, i)
                many = self._queries(client, url)
                assert len(client.get(url).json()["results"]) >= 21, url
                assert many == few, f"{url}: {few} queries with a few rows, {many} with 20 more"

    @staticmethod
    def _queries(client, url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)


def _score(w, i):
    registration = w.own.contest_registration
    event = clone(registration.event, name=f"分数{i}")
    score = Score.objects.filter(registration=registration).first()
    clone(score, registration=clone(registration, event=event))


LISTS = {
    "/api/v1/mutual-aid/plans/": (ZONE, lambda w, i: clone(w.own.plan)),
    "/api/v1/mutual-aid/enrolments/": (ZONE, lambda w, i: clone(w.own.batch)),
    "/api/v1/mutual-aid/claims/": (ZONE, lambda w, i: clone(w.own.claim)),
    "/api/v1/legal/consultations/": (LAWYER_A, lambda w, i: clone(w.own.consultation)),
    "/api/v1/legal/aid-cases/": (LAWYER_A, lambda w, i: clone(w.own.aid_case, number=f"FY{i}")),
    "/api/v1/legal/disputes/": (LAWYER_A, lambda w, i: clone(w.own.dispute, number=f"TJ{i}")),
    "/api/v1/events/": (ZONE, lambda w, i: clone(w.own.event)),
    "/api/v1/events/registrations/": (
        ZONE,
        lambda w, i: clone(w.own.registration, event=clone(w.own.event)),
    ),
    "/api/v1/academy/courses/": (ZONE, lambda w, i: clone(w.own.course)),
    "/api/v1/academy/classes/": (ZONE, lambda w, i: clone(w.own.objects["class"])),
    "/api/v1/academy/enrolments/": (
        ZONE,
        lambda w, i: clone(w.own.enrolment, training_class=clone(w.own.objects["class"])),
    ),
    "/api/v1/contests/": (
        ZONE,
        lambda w, i: contests.contest_create(
            title=f"竞赛{i}",
            year=2024,
            level="zone",
            held_on=date(2024, 6, 1),
            organisers=[w.own.federation],
            by=w.users[ZONE],
        ),
    ),
    "/api/v1/contests/events/": (ZONE, lambda w, i: clone(w.own.contest_event, name=f"项目{i}")),
    "/api/v1/contests/registrations/": (
        ZONE,
        lambda w, i: clone(w.own.contest_registration, event=clone(w.own.contest_event, name=f"报名{i}")),
    ),
    "/api/v1/contests/scores/": (ZONE, _score),
    "/api/v1/honours/nominations/": (
        ZONE,
        lambda w, i: clone(w.own.nomination, round=clone(w.own.round)),
    ),
    "/api/v1/rosters/jobs/": (U1, lambda w, i: clone(w.own.job)),
}
