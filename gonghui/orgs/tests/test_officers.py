from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditLog
from gonghui.members.services import member_leave
from gonghui.members.tests.factories import fake, make_member
from gonghui.orgs.models import Officer
from gonghui.orgs.selectors import union_summary, union_term
from gonghui.orgs.services import officer_appoint, officer_stand_down

pytestmark = pytest.mark.django_db

TERM = {"term_start": date(2020, 6, 1), "term_end": date(2025, 5, 31)}


def woman(union):
    return make_member(union, id_number=fake.resident_id(born=date(1985, 3, 3), gender="F"))


def man(union):
    return make_member(union, id_number=fake.resident_id(born=date(1985, 3, 3), gender="M"))


def test_a_member_is_appointed_for_a_term_and_it_is_audited(union_a, admin_a, member_a):
    officer = officer_appoint(union=union_a, person=member_a.person, role="chair", by=admin_a, **TERM)
    assert (officer.term_start, officer.term_end, officer.ended_on) == (
        date(2020, 6, 1),
        date(2025, 5, 31),
        None,
    )
    assert AuditLog.objects.filter(action="officer.appoint", object_id=str(officer.pk)).exists()


def test_a_chair_who_is_not_a_member_is_refused(union_a, admin_a, member_b):
    with pytest.raises(ValidationError) as excinfo:
        officer_appoint(union=union_a, person=member_b.person, role="chair", by=admin_a, **TERM)
    assert excinfo.value.message_dict["person"] == ["该人员不是甲公司工会的在册会员，不能担任主席"]
    assert not Officer.objects.exists()


def test_a_former_member_cannot_be_appointed(union_a, admin_a, member_a):
    member_leave(membership=member_a, on=date(2024, 1, 1), by=admin_a)
    with pytest.raises(ValidationError, match="不是甲公司工会的在册会员"):
        officer_appoint(union=union_a, person=member_a.person, role="committee", by=admin_a, **TERM)


@pytest.mark.parametrize("end", [date(2020, 6, 1), date(2019, 1, 1)])
def test_a_term_ending_before_it_starts_is_refused(union_a, admin_a, member_a, end):
    with pytest.raises(ValidationError) as excinfo:
        officer_appoint(
            union=union_a,
            person=member_a.person,
            role="chair",
            by=admin_a,
            term_start=date(2020, 6, 1),
            term_end=end,
        )
    assert excinfo.value.message_dict["term_end"] == [
        f"任期届满日期（{end}）应晚于任期开始日期（2020-06-01）"
    ]
    assert not Officer.objects.exists() and not AuditLog.objects.filter(action="officer.appoint").exists()


def test_one_chair_at_a_time(union_a, admin_a, member_a):
    officer_appoint(union=union_a, person=member_a.person, role="chair", by=admin_a, **TERM)
    other = man(union_a)
    with pytest.raises(ValidationError, match="甲公司工会现任主席为张三，须先卸任"):
        officer_appoint(union=union_a, person=other.person, role="chair", by=admin_a, **TERM)
    officer_stand_down(officer=Officer.objects.get(), on=date(2024, 1, 1), by=admin_a)
    officer_appoint(union=union_a, person=other.person, role="chair", by=admin_a, **TERM)
    assert Officer.objects.current().get().person == other.person


def test_the_women_workers_committee_is_of_women(union_a, admin_a):
    with pytest.raises(ValidationError, match="女职工委员会由女会员组成"):
        officer_appoint(union=union_a, person=man(union_a).person, role="women_chair", by=admin_a, **TERM)
    officer_appoint(union=union_a, person=woman(union_a).person, role="women_chair", by=admin_a, **TERM)


def test_the_chair_does_not_sit_on_the_audit_committee(union_a, admin_a, member_a):
    officer_appoint(union=union_a, person=member_a.person, role="chair", by=admin_a, **TERM)
    with pytest.raises(ValidationError, match="工会主席不得兼任经费审查委员会成员"):
        officer_appoint(union=union_a, person=member_a.person, role="audit_member", by=admin_a, **TERM)


def test_a_federation_has_no_committee_here(zone, officer, member_a):
    with pytest.raises(ValidationError, match="只有基层工会设工会委员会"):
        officer_appoint(union=zone, person=member_a.person, role="chair", by=officer, **TERM)


def test_standing_down_before_the_term_starts_is_refused(union_a, admin_a, member_a):
    officer = officer_appoint(union=union_a, person=member_a.person, role="chair", by=admin_a, **TERM)
    with pytest.raises(ValidationError, match="卸任日期不能早于任期开始日期"):
        officer_stand_down(officer=officer, on=date(2020, 1, 1), by=admin_a)


def test_the_union_page_groups_the_officers_and_flags_an_expired_term(union_a, admin_a, member_a):
    officer_appoint(union=union_a, person=member_a.person, role="chair", by=admin_a, **TERM)
    officer_appoint(union=union_a, person=woman(union_a).person, role="women_chair", by=admin_a, **TERM)
    officer_appoint(union=union_a, person=man(union_a).person, role="audit_chair", by=admin_a, **TERM)
    summary = union_summary(union_a)
    assert [o.role for o in summary["committee"]] == ["chair"]
    assert [o.role for o in summary["audit_committee"]] == ["audit_chair"]
    assert [o.role for o in summary["women_committee"]] == ["women_chair"]
    assert summary["term_end"] == date(2025, 5, 31)
    officers = list(union_a.officers.current())
    assert union_term(officers, today=date(2025, 5, 31))["term_overdue"] is False
    assert union_term(officers, today=date(2025, 6, 1))["term_overdue"] is True


def test_a_union_without_officers_has_no_term():
    assert union_term([], today=date(2025, 1, 1)) == {"term_end": None, "term_overdue": False}
