import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.calendar_services import calendar_correct, calendar_year_confirm
from gonghui.core.models import AuditLog, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

CALENDAR = reverse("core:calendar")
NOT_LOADED_2027 = "2027年节假日安排尚未录入，按周一至周五计算"
SPRING_FESTIVAL = {"start": "2027-02-05", "end": "2027-02-13", "kind": "holiday", "name": "春节", "note": ""}


def has_row(body, day, weekday, arrangement, holiday=""):
    return re.search(
        rf"{day}</td>\s*<td[^>]*>{weekday}</td>\s*<td[^>]*>{arrangement}</td>\s*<td[^>]*>{holiday}", body
    )


@pytest.fixture(autouse=True)
def today_is_the_first_of_december(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 12, 1))


@pytest.fixture
def a_correction(officer):
    (day,) = calendar_correct(start=date(2027, 2, 14), end=date(2027, 2, 14), kind="workday", by=officer)
    return day


@pytest.mark.parametrize("role", ["admin_a", "worker", "academy_staff", "lawyer"])
def test_others_get_404_and_change_nothing(client, request, role, a_correction):
    client.force_login(request.getfixturevalue(role))
    assert client.get(CALENDAR).status_code == 404
    assert client.post(CALENDAR, SPRING_FESTIVAL).status_code == 404
    assert client.post(reverse("core:calendar_remove", args=[a_correction.pk])).status_code == 404
    assert client.post(reverse("core:calendar_year", args=[2027]), {"loaded": "1"}).status_code == 404
    assert CalendarDay.objects.count() == 1 and not CalendarYear.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, a_correction):
    for response in (
        client.get(CALENDAR),
        client.post(reverse("core:calendar_remove", args=[a_correction.pk])),
        client.post(reverse("core:calendar_year", args=[2027]), {"loaded": "1"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["officer", "platform_admin"])
def test_federation_staff_and_platform_admins_see_the_calendar(client, request, role):
    client.force_login(request.getfixturevalue(role))
    body = client.get(CALENDAR, {"year": 2025}).content.decode()
    assert "2025年节假日与调休" in body
    assert has_row(body, "2025-10-11", "星期六", "调休上班", "国庆节")
    assert has_row(body, "2025-10-01", "星期三", "放假", "国庆节")
    assert 'id="year-warning"' not in body
    # In December the page warns about next year as the system check does.
    assert 'id="next-year-warning"' in body and "2027年节假日安排尚未录入，法定期限暂按周一至周五计算" in body


def test_a_year_not_loaded_shows_the_warning_once(client, officer):
    client.force_login(officer)
    body = client.get(CALENDAR, {"year": 2027}).content.decode()
    assert re.search(rf'id="year-warning">{NOT_LOADED_2027}<', body)
    assert 'id="next-year-warning"' not in body
    assert "确认2027年已全部录入" in body


def test_entering_a_range_and_a_makeup_day(client, officer):
    client.force_login(officer)
    response = client.post(f"{CALENDAR}?year=2027", SPRING_FESTIVAL)
    assert response.status_code == 302 and response["Location"] == f"{CALENDAR}?year=2027"
    client.post(CALENDAR, {"start": "2027-02-14", "kind": "workday", "name": "春节"})
    assert CalendarDay.objects.filter(kind="holiday").count() == 9
    assert CalendarDay.objects.get(kind="workday").date == date(2027, 2, 14)

    body = client.get(CALENDAR, {"year": 2027}).content.decode()
    assert "已录入2027-02-05至2027-02-13：放假 春节" in body and "已录入2027-02-14：上班 春节" in body
    assert has_row(body, "2027-02-14", "星期日", "调休上班", "春节")
    assert body.count("人工更正</span>") == 10


def test_a_correction_of_the_package_is_marked(client, officer):
    calendar_correct(start=date(2025, 10, 11), end=date(2025, 10, 11), kind="holiday", by=officer)
    client.force_login(officer)
    body = client.get(CALENDAR, {"year": 2025}).content.decode()
    assert has_row(body, "2025-10-11", "星期六", "放假")
    assert "chinesecalendar 为上班" in body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": "2027-02-04"}, "end", "结束日期不能早于开始日期"),
        ({"end": "2027-04-06"}, "end", "结束日期超出范围：一次最多录入60天，请分段录入"),
        ({"kind": "weekend"}, "kind", "类型只能是“放假”或“上班”"),
        ({"kind": ""}, "kind", "请选择类型"),
        ({"start": "2027-13-01"}, "start", "开始日期格式不对，应如2027-02-05"),
        ({"start": ""}, "start", "请填写开始日期"),
        ({"name": "节" * 51}, "name", "节日最多50个字"),
    ],
)
def test_bad_input_gets_a_message_beside_its_field(client, officer, changes, field, message):
    client.force_login(officer)
    response = client.post(f"{CALENDAR}?year=2027", SPRING_FESTIVAL | changes)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("year", "message"), [("abc", "年份应是四位数字，如2027"), ("1800", "年份应在1900至2100之间")]
)
def test_a_bad_year_says_so_and_shows_this_year(client, officer, year, message):
    client.force_login(officer)
    response = client.get(CALENDAR, {"year": year})
    assert response.status_code == 200 and response.context["year"] == 2026
    assert response.context["year_form"].errors == {"year": [message]}


def test_removing_a_correction(client, officer, a_correction):
    client.force_login(officer)
    response = client.post(reverse("core:calendar_remove", args=[a_correction.pk]))
    assert response["Location"] == f"{CALENDAR}?year=2027"
    assert not CalendarDay.objects.exists()
    assert AuditLog.objects.filter(action="calendar.remove", actor=officer).exists()
    assert client.post(reverse("core:calendar_remove", args=[a_correction.pk])).status_code == 404
    assert client.get(reverse("core:calendar_remove", args=[a_correction.pk])).status_code == 405


def test_confirming_and_withdrawing_a_year(client, officer):
    client.force_login(officer)
    year_url = reverse("core:calendar_year", args=[2027])
    body = client.post(year_url, {"loaded": "1"}, follow=True).content.decode()
    assert "2027年还没有录入任何节假日，不能确认全年已录入" in body
    assert not CalendarYear.objects.exists()

    calendar_correct(start=date(2027, 1, 1), end=date(2027, 1, 1), kind="holiday", by=officer)
    body = client.post(year_url, {"loaded": "1"}, follow=True).content.decode()
    assert "已确认2027年节假日安排全部录入" in body and NOT_LOADED_2027 not in body
    assert "已由officer于" in body and "撤销确认" in body

    body = client.post(year_url, follow=True).content.decode()
    assert "已撤销2027年的确认" in body and NOT_LOADED_2027 in body
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize("corrections", [1, 40])
def test_the_page_costs_the_same_for_few_and_many_corrections(
    client, officer, corrections, django_assert_num_queries
):
    calendar_correct(
        start=date(2027, 1, 1),
        end=date(2027, 1, 1) + timedelta(days=corrections - 1),
        kind="holiday",
        by=officer,
    )
    calendar_year_confirm(year=2027, by=officer)
    client.force_login(officer)
    # session, user; all corrections and the confirmed years (workdays' cache, cleared by the
    # confirmation); the year's corrections with who entered them; the year's confirmation;
    # the session saved again (savepoint, update, release)
    with django_assert_num_queries(9):
        body = client.get(CALENDAR, {"year": 2027}).content.decode()
    assert body.count("人工更正</span>") == corrections


def test_the_page_in_english(client, officer):
    client.force_login(officer)
    body = client.get(CALENDAR, {"year": 2027}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Holidays and make-up working days of 2027" in body
    assert (
        "The 2027 holiday schedule has not been entered yet; counting Monday to Friday as working days"
        in body
    )
