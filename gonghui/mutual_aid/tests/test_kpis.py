from datetime import date

import pytest

from gonghui.core import registry
from gonghui.mutual_aid import kpis, services
from gonghui.mutual_aid.models import LedgerEntry
from gonghui.mutual_aid.tests.factories import (
    CRITICAL,
    enrol_all,
    file_claim,
    make_plan,
    to_federation_reviewed,
)
from gonghui.reports.selectors import change, kpi_definitions

pytestmark = pytest.mark.django_db


def test_the_figures_of_a_year_and_the_year_before(
    django_assert_num_queries, zone, union_a, union_b, enterprise_a, member_a, admin_a, reviewer_a, officer
):
    hospital = make_plan(zone, by=officer)
    critical = make_plan(zone, by=officer, **CRITICAL)
    enrol_all(hospital, union_a, enterprise_a, by=admin_a)
    enrol_all(critical, union_a, enterprise_a, by=admin_a, shares=3)
    claim = to_federation_reviewed(
        file_claim(
            critical,
            member_a.person,
            by=admin_a,
            admitted_on=None,
            discharged_on=None,
            filed_on=date(2024, 6, 20),
        ),
        union_reviewer=reviewer_a,
        officer=officer,
    )
    services.claim_pay(
        claim=services.claim_set_amount(claim=claim, by=officer),
        paid_on=date.today(),
        reference="R",
        by=officer,
    )
    paid_on = LedgerEntry.objects.get().paid_on
    with django_assert_num_queries(1):
        enrolments = registry.kpis["mutual_aid.enrolments"].compute(zone, 2024)
    assert enrolments["mutual_aid_enrolments"] == {"value": 2, "previous": 0}  # one person, two plans: 2 人次
    assert (
        registry.kpis["mutual_aid.enrolments"].compute(zone, 2026)["mutual_aid_enrolments"]["value"] == 1
    )  # the three-year plan
    assert (
        registry.kpis["mutual_aid.enrolments"].compute(union_b, 2024)["mutual_aid_enrolments"]["value"] == 0
    )
    assert registry.kpis["mutual_aid.claims"].compute(zone, 2024)["mutual_aid_claims"] == {
        "value": 1,
        "previous": 0,
    }
    with django_assert_num_queries(1):
        payments = registry.kpis["mutual_aid.payments"].compute(zone, paid_on.year)
    with django_assert_num_queries(1):
        payments |= kpis.days_to_pay(zone, paid_on.year)
    assert payments["mutual_aid_claims_paid"] == {"value": 1, "previous": 0}
    assert payments["mutual_aid_paid_amount"] == {"value": "30000.00", "previous": "0.00"}
    assert payments["mutual_aid_days_to_pay"] == {
        "value": (paid_on - date(2024, 6, 20)).days,
        "previous": None,
    }
    assert change(payments["mutual_aid_paid_amount"]) == 30000
    defined = kpi_definitions()
    for key in (
        "mutual_aid_enrolments",
        "mutual_aid_claims",
        "mutual_aid_claims_paid",
        "mutual_aid_paid_amount",
        "mutual_aid_days_to_pay",
    ):
        assert key in defined and defined[key].definition
