"""Every list table reads on a phone: each cell carries its column's label, and no page is wider
than the screen. Set GONGHUI_SCREENSHOTS=DIR to keep a screenshot of each page at phone and
desktop width."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.authorization.world import PASSWORD, U1, ZONE, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}

UNLABELLED = """() => [...document.querySelectorAll("table.list tbody td, table.list tbody th")]
    .filter(td => td.colSpan === 1 && !td.dataset.label).map(td => td.closest("table").id || td.textContent)"""


def pages(w):
    own = w.own
    return {
        ZONE: [
            ("federation", reverse("orgs:organisation_detail", args=[own.federation.code])),
            ("union", reverse("orgs:organisation_detail", args=[own.union.code])),
            ("members", reverse("members:list")),
            ("member", reverse("members:detail", args=[own.person.pk])),
            ("enterprises", reverse("orgs:enterprise_list")),
            ("activities", reverse("activities:activity_list")),
            ("activity", reverse("activities:activity_detail", args=[own.activity.pk])),
            ("welfare", reverse("activities:welfare_list")),
            ("distribution", reverse("activities:welfare_detail", args=[own.distribution.pk])),
            ("campaign", reverse("coverage:campaign_detail", args=[own.campaign.pk])),
            ("claims", reverse("mutual_aid:claim_list")),
            ("ledger", reverse("mutual_aid:ledger")),
            ("batches", reverse("mutual_aid:batch_list")),
            ("disputes", reverse("legal:dispute_list")),
            ("consultations", reverse("legal:consultation_list")),
            ("founding", reverse("coverage:founding_detail", args=[own.founding.pk])),
            ("reports", reverse("reports:kpis") + f"?org={own.federation.code}&year=2024"),
            ("audit", reverse("core:audit_log")),
            ("calendar", reverse("core:calendar") + "?year=2027"),
        ],
        U1: [("imports", reverse("rosters:import"))],
    }


def test_every_table_keeps_its_labels_on_a_phone(sign_in, page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    shots = os.environ.get("GONGHUI_SCREENSHOTS")
    problems = []
    for persona, urls in pages(world).items():
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        sign_in(world.users[persona], PASSWORD)
        for name, url in urls:
            for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
                page.set_viewport_size(viewport)
                response = page.goto(live_server.url + url)
                assert response.status == 200, f"{name}: {response.status}"
                if size == "phone":
                    if unlabelled := page.evaluate(UNLABELLED):
                        problems.append(f"{name}: cells without a label in {unlabelled[:3]}")
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > viewport["width"]:
                        problems.append(f"{name}: {width}px wide on a {viewport['width']}px screen")
                if shots:
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=f"{shots}/{name}-{size}.png", full_page=True)
    assert not problems, "\n".join(problems)
