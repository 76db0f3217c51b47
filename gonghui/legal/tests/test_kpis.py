"""KPIs: counted by the year a case was received, for any subtree, with the year before."""

from datetime import date

import pytest

from gonghui.core import registry
from gonghui.legal import kpis
from gonghui.legal.tests.factories import advance, make_aid, make_dispute, make_lawyer

pytestmark = pytest.mark.django_db


def mediate(dispute, by, mediator, *, outcome_on, succeed=True, arbitration=False):
    advance(dispute, "dispute.accept", by=by, on=dispute.received_on)
    advance(dispute, "dispute.assign", by=by, on=dispute.received_on, lawyer=mediator)
    advance(dispute, "dispute.start", by=by, on=dispute.received_on)
    if succeed:
        advance(dispute, "dispute.succeed", by=by, on=outcome_on, text="支付欠薪")
    else:
        advance(dispute, "dispute.fail", by=by, on=outcome_on, note="未达成协议")
        if arbitration:
            advance(dispute, "dispute.arbitration", by=by, on=outcome_on)


def test_the_legal_figures_of_a_year_and_the_year_before(zone, union_a, officer, member_a):
    mediator = make_lawyer(zone, by=officer, term=(date(2023, 6, 1), date(2024, 5, 31)))
    make_lawyer(zone, by=officer, term=(date(2024, 6, 1), date(2026, 5, 31)))
    person = member_a.person
    make_aid(zone, person, by=officer, applied_on=date(2024, 2, 1))
    make_aid(union_a, person, by=officer, applied_on=date(2023, 2, 1))
    on_time = make_dispute(zone, person, by=officer, received_on=date(2024, 3, 4))
    mediate(on_time, officer, mediator, outcome_on=date(2024, 3, 8))
    late = make_dispute(zone, person, by=officer, received_on=date(2024, 3, 4))
    mediate(late, officer, mediator, outcome_on=date(2024, 3, 25))
    failed = make_dispute(union_a, person, by=officer, received_on=date(2024, 4, 1))
    mediate(failed, officer, mediator, outcome_on=date(2024, 4, 10), succeed=False, arbitration=True)
    make_dispute(zone, person, by=officer, received_on=date(2024, 5, 6))  # no outcome yet
    earlier = make_dispute(zone, person, by=officer, received_on=date(2023, 9, 4))
    mediate(earlier, officer, mediator, outcome_on=date(2023, 9, 8), succeed=False)

    figures = {}
    for group in kpis.GROUPS:
        figures |= group.compute(zone, 2024)
    assert figures["lawyers"] == {"value": 2, "previous": 1}
    assert figures["legal_aid_cases"] == {"value": 1, "previous": 1}
    assert figures["disputes"] == {"value": 4, "previous": 1}
    assert figures["mediation_success_rate"] == {"value": 66.7, "previous": 0.0}
    assert figures["mediations_within_limit"] == {"value": 66.7, "previous": 100.0}
    assert figures["disputes_to_arbitration"] == {"value": 1, "previous": 0}
    union_only = registry.kpis["legal.disputes"].compute(union_a, 2024)
    assert union_only["disputes"]["value"] == 1 and union_only["mediation_success_rate"]["value"] == 0.0
    sentence = kpis.sentences(zone, figures)[0]
    assert "劳动争议调解案件4件" in sentence and "调解成功率66.7%" in sentence


def test_the_keys_are_registered_once():
    keys = [kpi.key for group in registry.kpis for kpi in group.kpis]
    for key in (
        "lawyers",
        "legal_consultations",
        "legal_aid_cases",
        "disputes",
        "mediation_success_rate",
        "mediations_within_limit",
        "disputes_to_arbitration",
    ):
        assert keys.count(key) == 1
