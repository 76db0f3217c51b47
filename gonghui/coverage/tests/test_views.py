import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.coverage.models import Founding, Step
from gonghui.coverage.services import (
    campaign_create,
    campaign_refresh_targets,
    founding_start,
    target_assign,
    visit_record,
)
from gonghui.coverage.tests.factories import pdf, walk
from gonghui.orgs.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(zone, officer, enterprise_a):
    today = timezone.localdate()
    EnterpriseFactory(name='=HYPERLINK("http://x")', federation=zone, headcount=150, founded_on=today)
    EnterpriseFactory(
        name="老厂未建会", federation=zone, headcount=300, founded_on=date(2015, 1, 1), is_key=True
    )
    EnterpriseFactory(name="新厂", federation=zone, headcount=120, founded_on=today - timedelta(days=30))
    EnterpriseFactory(
        name="平台企业", federation=zone, headcount=20, is_new_employment_form=True, founded_on=today
    )
    return campaign_create(federation=zone, year=2024, name="2024年建会入会集中行动", by=officer)


def url(name, *args):
    return reverse(f"coverage:{name}", args=args)


def test_the_campaign_page_shows_coverage_that_matches_the_data(client, officer, campaign, enterprise_a):
    client.force_login(officer)
    response = client.get(url("campaign_detail", campaign.pk))
    assert response.status_code == 200
    coverage = response.context["coverage"]
    # rule enterprises: enterprise_a (union, 120 staff) + 4 without a union; the targets are those 4
    assert (coverage["overall"].total, coverage["overall"].covered) == (5, 1)
    assert (coverage["targets"].total, coverage["targets"].covered) == (4, 0)
    by_label = {str(s.label): (s.total, s.covered) for s in coverage["categories"]}
    assert by_label == {"重点企业": (1, 0), "百人以上企业": (4, 1), "新就业形态企业": (1, 0)}
    assert [t.enterprise.name for t in response.context["past_line"]] == ["老厂未建会"]
    assert len(response.context["no_visit"]) == 4
    assert "20%" in response.content.decode()


def test_the_campaign_lists_follow_visits_and_foundings(client, officer, leader, campaign):
    old = campaign.targets.get(enterprise__name="老厂未建会")
    visit_record(
        enterprise=old.enterprise,
        visited_on=timezone.localdate(),
        officers=[officer],
        discussed="座谈",
        by=officer,
    )
    founding = walk(old.enterprise, until=Step.ESTABLISHED, officer=officer, leader=leader)
    assert founding.state == Step.ESTABLISHED
    client.force_login(officer)
    response = client.get(url("campaign_detail", campaign.pk))
    coverage = response.context["coverage"]
    assert (coverage["targets"].total, coverage["targets"].covered) == (4, 1)
    assert response.context["past_line"] == []
    assert "老厂未建会" not in [t.enterprise.name for t in response.context["no_visit"]]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=past_line", ["老厂未建会"]),
        ("category=key", ["老厂未建会"]),
        ("category=new_form", ["平台企业"]),
        ("q=新厂", ["新厂"]),
        ("sort=-headcount", ["老厂未建会", '=HYPERLINK("http://x")', "新厂", "平台企业"]),
        ("status=started", ["新厂"]),
        ("officer=none&status=not_started", ['=HYPERLINK("http://x")', "平台企业", "老厂未建会"]),
    ],
)
def test_the_target_list_filters_and_sorts(client, officer, campaign, query, names):
    founding_start(
        enterprise=campaign.targets.get(enterprise__name="新厂").enterprise, on=date(2024, 3, 1), by=officer
    )
    target_assign(target=campaign.targets.get(enterprise__name="新厂"), officer=officer, by=officer)
    client.force_login(officer)
    response = client.get(url("campaign_detail", campaign.pk) + "?" + query)
    assert [t.enterprise.name for t in response.context["page"]] == names


QUERIES = 15


def test_the_campaign_page_costs_the_same_for_many_targets(
    client, officer, zone, campaign, django_assert_max_num_queries
):
    client.force_login(officer)
    # session, user, user's organisation, campaign, the officers of the filter, the page count,
    # coverage of the rule enterprises, coverage of the targets, the past-the-line list, the no-visit
    # list, the page of targets, the navigation's "has organisations", savepoint + session touch + release
    with django_assert_max_num_queries(QUERIES):
        client.get(url("campaign_detail", campaign.pk))
    for i in range(40):
        EnterpriseFactory(
            name=f"补充企业{i:02d}", federation=zone, headcount=200, founded_on=date(2016, 1, 1)
        )
    assert campaign_refresh_targets(campaign=campaign, by=officer) == 40
    with django_assert_max_num_queries(QUERIES):
        response = client.get(url("campaign_detail", campaign.pk))
    assert len(response.context["page"]) == 44


@pytest.mark.parametrize("who", ["admin_a", "admin_b", "worker"])
def test_outsiders_do_not_reach_the_campaign(client, campaign, who, request):
    client.force_login(request.getfixturevalue(who))
    for name in ("campaign_detail", "campaign_export"):
        assert client.get(url(name, campaign.pk)).status_code == 404
    assert client.get(url("campaign_list")).status_code == 404


def test_export_writes_formula_like_names_as_text_and_is_audited(
    client, officer, campaign, django_assert_max_num_queries
):
    client.force_login(officer)
    # session, user, user's organisation, campaign, the filter's officers, the targets (one query
    # whatever their number), savepoint + audit row + release, savepoint + session touch + release
    with django_assert_max_num_queries(12):
        response = client.get(url("campaign_export", campaign.pk) + "?sort=-headcount")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "企业名称"
    assert sheet["A3"].value == '=HYPERLINK("http://x")' and sheet["A3"].data_type == "s"
    assert sheet["A2"].value == "老厂未建会" and sheet["G2"].value == "是"
    assert AuditLog.objects.get(action="campaign.export").detail == {
        "filters": {"sort": "-headcount"},
        "rows": 4,
    }


def test_an_officer_walks_a_founding_through_the_pages(client, officer, leader, campaign):
    target = campaign.targets.get(enterprise__name="老厂未建会")
    client.force_login(officer)
    response = client.post(url("founding_start", target.enterprise.pk), {"on": "2024-03-01"})
    founding = Founding.objects.get()
    assert response.status_code == 302 and response["Location"] == url("founding_detail", founding.pk)
    client.post(url("founding_step", founding.pk), {"on": "2024-03-05", "note": "职工座谈"})
    response = client.post(
        url("founding_step", founding.pk),
        {"on": "2024-03-06", "note": "", "documents": [pdf("建会请示.pdf")]},
    )
    founding.refresh_from_db()
    assert founding.state == Step.REQUEST
    # the officer who carried the request cannot approve it: the form says why, nothing is saved
    response = client.post(
        url("founding_step", founding.pk), {"on": "2024-03-07", "documents": [pdf("批复.pdf")]}
    )
    assert response.status_code == 200
    assert "不能审批自己经办的请示" in response.content.decode()
    founding.refresh_from_db()
    assert founding.state == Step.REQUEST
    client.force_login(leader)
    client.post(url("founding_step", founding.pk), {"on": "2024-03-07", "documents": [pdf("批复.pdf")]})
    founding.refresh_from_db()
    assert founding.state == Step.APPROVAL
    page = client.get(url("founding_detail", founding.pk)).content.decode()
    assert "建会请示.pdf" in page and "批复.pdf" in page and "办理：成立筹备组" in page
    document = founding.steps.get(to_state=Step.REQUEST).documents.get()
    download = client.get(url("document", document.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert {"no-store", "private"} <= {d.strip() for d in download["Cache-Control"].split(",")}


def test_founding_pages_query_counts_are_pinned(
    client, officer, leader, target_enterprise, django_assert_max_num_queries
):
    founding = walk(target_enterprise, until=Step.ASSEMBLY, officer=officer, leader=leader)
    for day in (1, 2):
        visit_record(
            enterprise=target_enterprise,
            visited_on=date(2024, 7, day),
            officers=[officer, leader],
            discussed="x",
            by=officer,
        )
    client.force_login(officer)
    # session, user, user's organisation, founding (scoped), the steps with who recorded them, their
    # documents, the recruits with their people, the visits, their officers, the navigation's
    # "has organisations", savepoint + session touch + release
    with django_assert_max_num_queries(13):
        assert client.get(url("founding_detail", founding.pk)).status_code == 200
    # session, user, organisation, founding, the slate (the election's candidates), the candidates
    # for each of the five choices rendered, navigation, savepoint + session touch + release
    with django_assert_max_num_queries(15):
        assert client.get(url("founding_step", founding.pk)).status_code == 200


@pytest.mark.parametrize("who", ["admin_a", "admin_b", "worker"])
def test_outsiders_do_not_reach_a_founding(client, officer, leader, target_enterprise, who, request):
    founding = walk(target_enterprise, until=Step.REQUEST, officer=officer, leader=leader)
    document = founding.steps.get(to_state=Step.REQUEST).documents.get()
    client.force_login(request.getfixturevalue(who))
    for response in (
        client.get(url("founding_detail", founding.pk)),
        client.get(url("founding_step", founding.pk)),
        client.post(url("founding_step", founding.pk), {"on": "2024-06-02"}),
        client.get(url("founding_drop", founding.pk)),
        client.get(url("recruit_add", founding.pk)),
        client.get(url("document", document.pk)),
        client.get(url("founding_start", target_enterprise.pk)),
        client.get(url("visit_add", target_enterprise.pk)),
    ):
        assert response.status_code == 404
    founding.refresh_from_db()
    assert founding.state == Step.REQUEST


def test_the_new_unions_admin_reads_its_founding_history(client, officer, leader, target_enterprise, union_a):
    founding = walk(target_enterprise, until=Step.ESTABLISHED, officer=officer, leader=leader)
    from conftest import _user
    from gonghui.core.roles import Role

    admin = _user("admin-new", Role.UNION_ADMIN, founding.union)
    client.force_login(admin)
    page = client.get(url("founding_detail", founding.pk))
    assert page.status_code == 200 and "办理：" not in page.content.decode()
    assert client.get(url("founding_step", founding.pk)).status_code == 404


def test_the_enterprise_page_lists_visits_and_the_one_year_line(client, officer, campaign):
    target = campaign.targets.get(enterprise__name="老厂未建会")
    visit_record(
        enterprise=target.enterprise,
        visited_on=date(2024, 5, 6),
        officers=[officer],
        discussed="宣讲《工会法》",
        next_step="召开职工大会",
        by=officer,
    )
    client.force_login(officer)
    page = client.get(reverse("orgs:enterprise_detail", args=[target.enterprise.pk])).content.decode()
    assert "已超过一年仍未建立工会" in page and "宣讲《工会法》" in page and "召开职工大会" in page
    assert "启动建会" in page


def test_the_founding_page_is_translated_to_english(client, officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.SURVEY, officer=officer, leader=leader)
    client.force_login(officer)
    page = client.get(url("founding_detail", founding.pk), headers={"accept-language": "en"}).content.decode()
    assert "Record: Request to found a union" in page and "History" in page
