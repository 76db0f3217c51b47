"""The demo's 2024 report reproduces the feature's figures (loads the whole demo: ~15 s)."""

import pytest

from gonghui.activities.models import Activity, WelfareDistribution
from gonghui.demo.world import load_demo
from gonghui.orgs.models import Organisation
from gonghui.reports.selectors import kpis_for, report_sentences
from gonghui.reports.tests.raw import raw_figures

pytestmark = pytest.mark.django_db


def test_the_demo_report_for_2024():
    load_demo()
    zone = Organisation.objects.get(code="ZONE")
    figures = kpis_for(zone, 2024)
    assert figures["unions_total"] == {"value": 195, "previous": 179}
    assert figures["unions_new"] == {"value": 16, "previous": 12}
    assert figures["members_new"] == {"value": 1846, "previous": 1500}
    assert figures["members_total"]["value"] == 30_000
    assert figures["lectures"]["value"] >= 10
    assert figures["activities"]["value"] > figures["lectures"]["value"]  # the summer outing among them
    assert Activity.objects.filter(kind=Activity.Kind.OUTING, held_on__year=2024, held_on__month=7).exists()
    assert figures["activity_attendees"]["value"] > 0
    holiday = WelfareDistribution.objects.get(title="中秋节慰问")
    assert holiday.signed_off_by_id and holiday.signed_off_by_id != holiday.created_by_id
    assert figures["welfare_recipients"]["value"] >= holiday.recipients.count() > 0
    assert 0 < figures["coverage_rate"]["value"] < 100
    assert figures["contests"] == {"value": 3, "previous": 2}  # and 3 in 2025
    assert figures["contest_participants"]["value"] >= 300 and figures["contest_awards"]["value"] > 0
    assert report_sentences(zone, figures)[0].startswith(
        "全区共有企业工会195家，较去年新增16家，新增工会会员1800余人"
    )
    later = kpis_for(zone, 2025)
    assert later["unions_total"] == {"value": 209, "previous": 195}
    assert later["members_new"]["value"] == 1_650  # transfers inside the zone are not new
    assert later["members_total"] == {"value": 30_000 + 1_650 - 380, "previous": 30_000}
    assert later == raw_figures(zone, 2025) | {
        k: v for k, v in later.items() if k not in raw_figures(zone, 2025)
    }
