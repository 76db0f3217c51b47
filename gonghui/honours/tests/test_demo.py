"""The demo's honours: the feature's five-year figures and a round in 公示 with an objection waiting
(loads the whole demo)."""

import pytest
from django.urls import reverse

from gonghui.demo.world import load_demo
from gonghui.honours.models import NominationRound, Objection, Status
from gonghui.orgs.models import Organisation
from gonghui.reports.selectors import kpis_for

pytestmark = pytest.mark.django_db


def test_the_demo_honours(client):
    load_demo()
    figure = kpis_for(Organisation.objects.get(code="ZONE"), 2024)["honours_5y"]
    assert figure["value"] == {
        "national": {"labour_model": 1, "may_day_medal": 1},
        "provincial": {"labour_model": 2, "may_day_medal": 4},
        "city": {"labour_model": 3, "may_day_medal": 9},
    }
    assert figure["previous"] != figure["value"]
    round = NominationRound.objects.get(single_track=False)
    assert round.nominations.filter(status=Status.PUBLICITY).count() == 4
    assert Objection.objects.filter(answered_at__isnull=True).count() == 1
    page = client.get(reverse("honours:notice", args=[round.pk])).content.decode()
    assert page.count("<tr>") == 5  # the header and the four candidates
