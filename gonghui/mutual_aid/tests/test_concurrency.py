"""Two officers click 支付 on the same claim at the same moment, in two processes with their own database
connections (SQLite and PostgreSQL): exactly one payment is recorded, the other officer is told."""

import multiprocessing
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from gonghui.mutual_aid import services
from gonghui.mutual_aid.models import Claim, LedgerEntry
from gonghui.mutual_aid.tests.factories import file_claim, to_federation_reviewed

pytestmark = pytest.mark.django_db(transaction=True)
fork = multiprocessing.get_context("fork")


def _pay(claim_pk, officer, start, answers, reference):
    try:
        start.wait(timeout=30)
        services.claim_pay(
            claim=Claim.objects.get(pk=claim_pk), paid_on=date.today(), reference=reference, by=officer
        )
        answers.put("paid")
    except ValidationError as error:
        answers.put(" ".join(error.message_dict.get("status", error.messages)))
    except Exception as error:  # noqa: BLE001 (reported to the test, which fails on it)
        answers.put(f"error: {error!r}")
    finally:
        connections.close_all()


def test_two_officers_paying_at_once_make_one_payment(
    plan, enrolled, member_a, admin_a, reviewer_a, officer, zone
):
    from conftest import _user
    from gonghui.core.roles import Role

    second_officer = _user("officer-2", Role.FEDERATION_STAFF, zone)
    claim = to_federation_reviewed(
        file_claim(plan, member_a.person, by=admin_a), union_reviewer=reviewer_a, officer=officer
    )
    claim = services.claim_set_amount(claim=claim, by=officer)
    connections.close_all()  # each process opens its own connection
    start, answers = fork.Barrier(2), fork.Queue()
    processes = [
        fork.Process(target=_pay, args=(claim.pk, who, start, answers, f"REF-{n}"))
        for n, who in enumerate((officer, second_officer))
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    got = sorted(answers.get(timeout=5) for _ in processes)
    assert got[0] == "paid", got
    assert "已支付，不能重复支付" in got[1] or "刚被其他人办理" in got[1], got
    assert LedgerEntry.objects.filter(claim_id=claim.pk).count() == 1
    assert Claim.objects.get(pk=claim.pk).status == "paid"
