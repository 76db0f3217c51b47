from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.calendar_services import (
    calendar_correct,
    calendar_correction_remove,
    calendar_year_confirm,
    calendar_year_withdraw,
)
from gonghui.core.models import AuditLog, CalendarDay, CalendarYear
from gonghui.core.scope import NotInScope

pytestmark = pytest.mark.django_db

SPRING_FESTIVAL = {"start": date(2027, 2, 5), "end": date(2027, 2, 13), "kind": "holiday", "name": "春节"}


def test_a_range_as_the_state_council_announces_it(officer):
    days = calendar_correct(**SPRING_FESTIVAL, note="国办发明电〔2026〕1号", by=officer)
    calendar_correct(start=date(2027, 2, 14), end=date(2027, 2, 14), kind="workday", name="春节", by=officer)
    assert [d.date.day for d in days] == list(range(5, 14))
    assert CalendarDay.objects.filter(kind="holiday", name="春节", note="国办发明电〔2026〕1号").count() == 9
    assert CalendarDay.objects.get(date=date(2027, 2, 14)).kind == "workday"
    audit = AuditLog.objects.filter(action="calendar.correct", actor=officer)
    assert audit.count() == 10
    assert audit.get(object_id=str(days[0].pk)).detail["before"] is None


def test_entering_a_date_again_replaces_the_correction_and_audits_what_it_was(officer, platform_admin):
    (day,) = calendar_correct(start=date(2027, 2, 14), end=date(2027, 2, 14), kind="holiday", by=officer)
    calendar_correct(start=date(2027, 2, 14), end=date(2027, 2, 14), kind="workday", by=platform_admin)
    day.refresh_from_db()
    assert (day.kind, day.changed_by) == ("workday", platform_admin)
    last = AuditLog.objects.filter(action="calendar.correct", object_id=str(day.pk)).order_by("id").last()
    assert last.actor == platform_admin and last.detail["before"] == {
        "kind": "holiday",
        "name": "",
        "note": "",
    }


def test_removing_a_correction_is_audited(officer):
    (day,) = calendar_correct(start=date(2027, 2, 14), end=date(2027, 2, 14), kind="workday", by=officer)
    calendar_correction_remove(day=day, by=officer)
    assert not CalendarDay.objects.exists()
    assert AuditLog.objects.get(action="calendar.remove").detail == {
        "kind": "workday",
        "name": "",
        "note": "",
    }


@pytest.mark.parametrize("actor", ["admin_a", "worker", "academy_staff", "lawyer"])
def test_only_federation_staff_and_platform_admins_correct(request, actor, officer):
    (day,) = calendar_correct(start=date(2027, 2, 14), end=date(2027, 2, 14), kind="workday", by=officer)
    calendar_year_confirm(year=2027, by=officer)
    user = request.getfixturevalue(actor)
    with pytest.raises(NotInScope):
        calendar_correct(start=date(2027, 2, 15), end=date(2027, 2, 15), kind="holiday", by=user)
    with pytest.raises(NotInScope):
        calendar_correction_remove(day=day, by=user)
    with pytest.raises(NotInScope):
        calendar_year_withdraw(year=2027, by=user)
    assert CalendarDay.objects.count() == 1 and CalendarYear.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": date(2027, 2, 4)}, "end", "结束日期不能早于开始日期"),
        ({"end": date(2027, 4, 6)}, "end", "结束日期超出范围：一次最多录入60天，请分段录入"),
        ({"kind": "weekend"}, "kind", "类型只能是“放假”或“上班”"),
        ({"name": "节" * 51}, "name", None),
    ],
)
def test_bad_input_names_the_field(officer, changes, field, message):
    with pytest.raises(ValidationError) as error:
        calendar_correct(**(SPRING_FESTIVAL | changes), by=officer)
    assert list(error.value.message_dict) == [field]
    if message:
        assert error.value.message_dict[field] == [message]
    assert not CalendarDay.objects.exists() and not AuditLog.objects.exists()


def test_sixty_days_is_the_longest_range(officer):
    assert (
        len(calendar_correct(start=date(2027, 1, 1), end=date(2027, 3, 1), kind="holiday", by=officer)) == 60
    )


def test_a_year_is_confirmed_once_something_was_entered_and_can_be_withdrawn(officer):
    with pytest.raises(ValidationError) as error:
        calendar_year_confirm(year=2027, by=officer)
    assert error.value.message_dict == {"year": ["2027年还没有录入任何节假日，不能确认全年已录入"]}

    calendar_correct(start=date(2027, 1, 1), end=date(2027, 1, 1), kind="holiday", by=officer)
    confirmation = calendar_year_confirm(year=2027, by=officer)
    assert calendar_year_confirm(year=2027, by=officer) == confirmation
    assert AuditLog.objects.filter(action="calendar.year_confirm").count() == 1

    calendar_year_withdraw(year=2027, by=officer)
    assert not CalendarYear.objects.exists()
    assert AuditLog.objects.filter(action="calendar.year_withdraw", object_id=str(confirmation.pk)).exists()
