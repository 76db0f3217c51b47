"""Two systems call `pay` on the same claim at the same moment, each on its own thread and database
connection (PostgreSQL, which runs them truly at once): exactly one payment, the other told so."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from conftest import _user
from gonghui.activities.tests.factories import make_officer
from gonghui.api.services import token_create
from gonghui.api.tests.conftest import CheckedClient
from gonghui.api.tests.schema import openapi
from gonghui.core.roles import Role
from gonghui.members.tests.factories import SETUP
from gonghui.mutual_aid import services
from gonghui.mutual_aid.models import Claim, LedgerEntry
from gonghui.mutual_aid.tests.factories import enrol_all, file_claim, make_plan, to_federation_reviewed

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_pay_calls_at_once_make_one_payment(
    settings, tmp_path, zone, officer, union_a, enterprise_a, member_a, admin_a
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: two calls cannot overlap there")
    settings.MEDIA_ROOT = tmp_path
    plan = make_plan(zone, by=officer)
    enrol_all(plan, union_a, enterprise_a, by=admin_a)
    claim = to_federation_reviewed(
        file_claim(plan, member_a.person, by=admin_a),
        union_reviewer=make_officer(union_a, "reviewer-a"),
        officer=officer,
    )
    claim = services.claim_set_amount(claim=claim, by=officer)
    tokens = [
        token_create(user=user, name="出纳系统", by=SETUP)[1]
        for user in (officer, _user("officer-2", Role.FEDERATION_STAFF, zone))
    ]
    openapi()  # the schema the answers are checked against, made once before the threads run
    start, answers = threading.Barrier(2), []

    def pay(token, reference):
        client = CheckedClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            start.wait(timeout=30)
            response = client.post(
                f"/api/v1/mutual-aid/claims/{claim.pk}/pay/",
                {"paid_on": date.today().isoformat(), "reference": reference},
                format="json",
            )
            answers.append((response.status_code, response.json()))
        except Exception as error:  # noqa: BLE001 (reported to the test, which fails on it)
            answers.append((None, repr(error)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(t, f"REF-{n}")) for n, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(code for code, _body in answers if code)
    assert codes == [201, 400], answers
    refusal = next(body for code, body in answers if code == 400)
    assert "status" in refusal["errors"], refusal
    assert LedgerEntry.objects.filter(claim_id=claim.pk).count() == 1
    assert Claim.objects.get(pk=claim.pk).status == "paid"
