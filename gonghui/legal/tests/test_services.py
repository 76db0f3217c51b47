"""Services: the lawyer team, the legal-aid and mediation workflows end to end, refusals in Chinese
naming the field with nothing saved, case files encrypted and each reading audited."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope
from gonghui.legal import services
from gonghui.legal.models import AidCase, CaseEvent, Clock, Consultation, Dispute, Lawyer
from gonghui.legal.tests.factories import FACTS, advance, lawyer_user, make_aid, make_dispute, make_lawyer

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_lawyer(zone, officer, lawyer):
    return make_lawyer(zone, by=officer, user=lawyer, name="周明律师")


@pytest.fixture
def other_lawyer(zone, officer):
    return make_lawyer(zone, by=officer, user=lawyer_user("lawyer-other"), name="吴华律师")


def field_message(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- the team ---


def test_a_lawyer_needs_a_sign_in_with_the_lawyer_role(zone, officer, admin_a):
    with pytest.raises(ValidationError) as refused:
        make_lawyer(zone, by=officer, user=admin_a)
    assert "角色不是律师" in field_message(refused.value, "user")
    assert not Lawyer.objects.exists()


def test_a_union_admin_engages_lawyers_for_their_union_only(zone, union_a, admin_a):
    assert make_lawyer(union_a, by=admin_a).engaged_by == union_a
    with pytest.raises(NotInScope):
        make_lawyer(zone, by=admin_a)


def test_a_lawyer_update_checks_specialities_and_term(team_lawyer, officer, admin_a):
    with pytest.raises(ValidationError) as refused:
        services.lawyer_update(lawyer=team_lawyer, specialities=["cooking"], by=officer)
    assert "未知的擅长领域" in field_message(refused.value, "specialities")
    with pytest.raises(NotInScope):  # engaged by the zone: the union's admin sees, cannot change
        services.lawyer_update(lawyer=team_lawyer, phone="13900000000", by=admin_a)
    services.lawyer_update(lawyer=team_lawyer, term_end=date(2027, 12, 31), by=officer)
    team_lawyer.refresh_from_db()
    assert team_lawyer.term_end == date(2027, 12, 31)


# --- legal aid ---


def test_legal_aid_from_application_to_archive(zone, officer, member_a, team_lawyer, lawyer):
    case = make_aid(zone, member_a.person, by=officer, applied_on=date(2024, 3, 4))
    assert case.number == "援2024-0001"
    advance(case, "aid.request_material", by=officer, on=date(2024, 3, 5), note="劳动合同、工资条")
    advance(case, "aid.material_received", by=officer, on=date(2024, 3, 7))
    advance(case, "aid.grant", by=officer, on=date(2024, 3, 8))
    advance(case, "aid.assign", by=officer, on=date(2024, 3, 9), lawyer=team_lawyer)
    advance(case, "aid.start", by=lawyer, on=date(2024, 3, 11))
    advance(case, "aid.report", by=lawyer, on=date(2024, 6, 3), text="经仲裁调解，公司支付欠薪。")
    advance(case, "aid.archive", by=officer, on=date(2024, 6, 5))
    case.refresh_from_db()
    assert (case.state, case.lawyer) == (AidCase.State.ARCHIVED, team_lawyer)
    assert "支付欠薪" not in case.report_encrypted  # encrypted at rest
    assert list(case.events.values_list("to_state", flat=True)) == [
        "applied",
        "material_requested",
        "applied",
        "granted",
        "assigned",
        "handling",
        "reported",
        "archived",
    ]
    assert not case.clocks.filter(stopped_on__isnull=True).exists()
    assert AuditLog.objects.filter(action__startswith="aid.").count() == 8


def test_a_refusal_needs_its_written_reasons(zone, officer, member_a):
    case = make_aid(zone, member_a.person, by=officer)
    with pytest.raises(ValidationError) as refused:
        advance(case, "aid.refuse", by=officer, on=date(2024, 3, 5))
    assert "不予援助的理由" in field_message(refused.value, "note")
    case.refresh_from_db()
    assert case.state == AidCase.State.APPLIED and case.events.count() == 1
    advance(case, "aid.refuse", by=officer, on=date(2024, 3, 5), note="案件不属于法律援助事项范围")
    case.refresh_from_db()
    assert case.refusal_reasons == "案件不属于法律援助事项范围"


def test_a_union_admin_files_legal_aid_but_does_not_decide_it(union_a, admin_a, member_a):
    case = make_aid(union_a, member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as refused:
        advance(case, "aid.grant", by=admin_a, on=date(2024, 3, 5))
    assert "须由总工会工作人员办理" in str(refused.value)


def test_a_lawyer_out_of_term_cannot_be_assigned(zone, officer, member_a):
    expired = make_lawyer(zone, by=officer, term=(date(2020, 1, 1), date(2023, 12, 31)))
    case = make_aid(zone, member_a.person, by=officer)
    advance(case, "aid.grant", by=officer, on=date(2024, 3, 5))
    with pytest.raises(ValidationError) as refused:
        advance(case, "aid.assign", by=officer, on=date(2024, 3, 6), lawyer=expired)
    assert "不在聘期内" in field_message(refused.value, "lawyer")
    case.refresh_from_db()
    assert case.state == AidCase.State.GRANTED and case.lawyer is None


def test_a_move_out_of_order_is_refused_in_chinese(zone, officer, member_a, team_lawyer):
    case = make_aid(zone, member_a.person, by=officer)
    with pytest.raises(ValidationError) as refused:
        advance(case, "aid.archive", by=officer, on=date(2024, 3, 5))
    assert "案件当前为“待审查”，不能归档" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        advance(case, "aid.grant", by=officer, on=date(2024, 3, 1))
    assert "不能早于上一步骤的日期" in field_message(refused.value, "on")


def test_only_the_assigned_lawyer_reaches_the_case(zone, officer, member_a, team_lawyer, other_lawyer):
    case = make_aid(zone, member_a.person, by=officer)
    advance(case, "aid.grant", by=officer, on=date(2024, 3, 5))
    advance(case, "aid.assign", by=officer, on=date(2024, 3, 6), lawyer=team_lawyer)
    with pytest.raises(NotInScope):
        advance(case, "aid.start", by=other_lawyer.user, on=date(2024, 3, 7))
    assert list(AidCase.objects.visible_to(other_lawyer.user)) == []
    assert list(AidCase.objects.visible_to(team_lawyer.user)) == [case]


# --- mediation ---


def test_a_dispute_from_intake_to_agreement_and_court_confirmation(
    zone, officer, member_a, team_lawyer, lawyer
):
    dispute = make_dispute(
        zone,
        member_a.person,
        by=officer,
        received_on=date(2024, 5, 6),
        claim_amount="18000.00",
        bodies=[("union", "甲公司工会"), ("hr_bureau", "明月经开区人社局")],
    )
    assert dispute.number == "调2024-0001" and dispute.bodies.count() == 2
    advance(dispute, "dispute.accept", by=officer, on=date(2024, 5, 7))
    advance(dispute, "dispute.assign", by=officer, on=date(2024, 5, 7), lawyer=team_lawyer)
    advance(dispute, "dispute.start", by=lawyer, on=date(2024, 5, 8))
    advance(
        dispute,
        "dispute.succeed",
        by=lawyer,
        on=date(2024, 5, 15),
        text="公司分两期支付欠薪。",
        amount="15000.00",
    )
    advance(dispute, "dispute.confirmation", by=officer, on=date(2024, 5, 20), confirmation="confirmed")
    advance(dispute, "dispute.close", by=officer, on=date(2024, 5, 21))
    dispute.refresh_from_db()
    assert (dispute.state, dispute.outcome, dispute.settled_amount) == (
        "closed",
        "agreement",
        Decimal("15000.00"),
    )
    assert dispute.confirmation == "confirmed"
    mediation = dispute.clocks.get(limit=Clock.Limit.MEDIATION)
    assert (mediation.stopped_on, mediation.due_on) == (date(2024, 5, 15), date(2024, 5, 21))


def test_a_mediation_cannot_close_without_an_outcome(zone, officer, member_a, team_lawyer):
    dispute = make_dispute(zone, member_a.person, by=officer)
    advance(dispute, "dispute.accept", by=officer, on=date(2024, 5, 7))
    advance(dispute, "dispute.assign", by=officer, on=date(2024, 5, 7), lawyer=team_lawyer)
    advance(dispute, "dispute.start", by=officer, on=date(2024, 5, 8))
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        advance(dispute, "dispute.close", by=officer, on=date(2024, 5, 9))
    assert "尚无调解结果，不能结案" in str(refused.value)
    dispute.refresh_from_db()
    assert dispute.state == "mediating" and CaseEvent.objects.count() == events


def test_an_agreement_needs_its_text_and_a_two_place_amount(zone, officer, member_a, team_lawyer):
    dispute = make_dispute(zone, member_a.person, by=officer)
    advance(dispute, "dispute.accept", by=officer, on=date(2024, 5, 7))
    advance(dispute, "dispute.assign", by=officer, on=date(2024, 5, 7), lawyer=team_lawyer)
    advance(dispute, "dispute.start", by=officer, on=date(2024, 5, 8))
    with pytest.raises(ValidationError) as refused:
        advance(dispute, "dispute.succeed", by=officer, on=date(2024, 5, 9))
    assert "调解协议内容" in field_message(refused.value, "text")
    with pytest.raises(ValidationError) as refused:
        advance(dispute, "dispute.succeed", by=officer, on=date(2024, 5, 9), text="支付", amount="10.005")
    assert "最多两位小数" in field_message(refused.value, "amount")
    with pytest.raises(ValidationError) as refused:
        advance(dispute, "dispute.succeed", by=officer, on=date(2024, 5, 9), text="支付", amount="一万")
    assert "最多两位小数" in field_message(refused.value, "amount")
    dispute.refresh_from_db()
    assert dispute.state == "mediating" and dispute.outcome == ""
    assert dispute.clocks.get(limit=Clock.Limit.MEDIATION).stopped_on is None


def test_a_failed_mediation_goes_to_arbitration_then_closes(zone, officer, member_a, team_lawyer):
    dispute = make_dispute(zone, member_a.person, by=officer)
    for action, on in (("dispute.accept", 7), ("dispute.start", 8)):
        if action == "dispute.start":
            advance(dispute, "dispute.assign", by=officer, on=date(2024, 5, 7), lawyer=team_lawyer)
        advance(dispute, action, by=officer, on=date(2024, 5, on))
    advance(dispute, "dispute.fail", by=officer, on=date(2024, 5, 25), note="公司不同意支付加班费")
    advance(dispute, "dispute.arbitration", by=officer, on=date(2024, 5, 27))
    advance(dispute, "dispute.close", by=officer, on=date(2024, 5, 28))
    dispute.refresh_from_db()
    assert (dispute.state, dispute.outcome) == ("closed", "no_agreement")


def test_a_court_referral_names_the_court(zone, officer, member_a):
    with pytest.raises(ValidationError) as refused:
        make_dispute(zone, member_a.person, by=officer, source="court")
    assert "委托法院" in field_message(refused.value, "court")
    assert not Dispute.objects.exists() and not Clock.objects.exists()


def test_the_feedback_letter_reports_the_outcome_to_the_court(zone, officer, member_a, team_lawyer):
    dispute = make_dispute(
        zone,
        member_a.person,
        by=officer,
        source="court",
        court="明月市秀江区人民法院",
        court_case_number="（2024）赣0902民初123号",
    )
    with pytest.raises(ValidationError):
        services.feedback_letter(dispute=dispute, by=officer)  # no outcome yet
    advance(dispute, "dispute.accept", by=officer, on=date(2024, 5, 6))
    advance(dispute, "dispute.assign", by=officer, on=date(2024, 5, 6), lawyer=team_lawyer)
    advance(dispute, "dispute.start", by=officer, on=date(2024, 5, 7))
    advance(
        dispute,
        "dispute.succeed",
        by=officer,
        on=date(2024, 5, 10),
        text="公司一次性支付经济补偿金。",
        amount="8000.00",
    )
    pdf = services.feedback_letter(dispute=dispute, by=officer)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "委托调解反馈函",
        "明月市秀江区人民法院",
        "达成调解协议",
        "一次性支付经济补偿金",
        "8000.00",
        "张三",
    ):
        assert expected in text.replace("\n", "")
    assert AuditLog.objects.filter(action="dispute.letter").count() == 1


# --- case files, consultations ---


def test_a_case_file_is_encrypted_and_each_reading_audited(zone, officer, member_a, platform_admin):
    case = make_aid(zone, member_a.person, by=officer)
    assert FACTS not in case.facts_encrypted
    assert services.case_file_read(case=case, by=officer) == [("案情", FACTS)]
    services.case_file_read(case=case, by=officer)
    assert AuditLog.objects.filter(action="legal.file_view").count() == 2
    with pytest.raises(NotInScope):  # the platform's administrators do not read case files
        services.case_file_read(case=case, by=platform_admin)


def test_a_union_admin_sees_the_cases_of_their_members(zone, officer, member_a, admin_a, admin_b, worker):
    case = make_aid(zone, member_a.person, by=officer)
    assert list(AidCase.objects.visible_to(admin_a)) == [case]
    assert list(AidCase.objects.visible_to(admin_b)) == []
    assert list(AidCase.objects.visible_to(worker)) == [case]
    with pytest.raises(NotInScope):
        services.case_file_read(case=case, by=worker)


def test_a_worker_asks_for_advice_for_themself_only(worker, member_a, member_b):
    consultation = services.consultation_request(
        person=member_a.person, topic="wages", question="加班费怎么算？", by=worker
    )
    assert (consultation.org, consultation.state, consultation.channel) == (
        member_a.union,
        "requested",
        "online",
    )
    with pytest.raises(NotInScope):
        services.consultation_request(person=member_b.person, topic="wages", question="？", by=worker)
    with pytest.raises(ValidationError) as refused:
        services.consultation_request(person=member_a.person, topic="wages", question=" ", by=worker)
    assert "咨询内容" in field_message(refused.value, "question")
    assert Consultation.objects.count() == 1


def test_a_consultation_is_answered_with_its_outcome(union_a, admin_a, member_a, team_lawyer):
    consultation = services.consultation_record(
        org=union_a,
        person=member_a.person,
        channel="visit",
        topic="injury",
        asked_on=date(2024, 4, 1),
        question="工伤认定需要哪些材料？",
        by=admin_a,
    )
    with pytest.raises(ValidationError) as refused:
        advance(consultation, "consultation.answer", by=admin_a, on=date(2024, 4, 2))
    assert "处理结果" in field_message(refused.value, "outcome")
    advance(
        consultation,
        "consultation.answer",
        by=admin_a,
        on=date(2024, 4, 2),
        outcome="to_aid",
        lawyer=team_lawyer,
    )
    consultation.refresh_from_db()
    assert (consultation.state, consultation.outcome, consultation.lawyer) == (
        "answered",
        "to_aid",
        team_lawyer,
    )


def test_a_documents_text_joins_the_encrypted_case_file(zone, officer, member_a, team_lawyer, other_lawyer):
    dispute = make_dispute(zone, member_a.person, by=officer)
    advance(dispute, "dispute.accept", by=officer, on=date(2024, 5, 6))
    advance(dispute, "dispute.assign", by=officer, on=date(2024, 5, 6), lawyer=team_lawyer)
    document = services.case_document_add(
        case=dispute,
        title="工资条",
        text="2024年3月应发工资6200元，实发0元。",
        on=date(2024, 5, 7),
        by=team_lawyer.user,
    )
    assert "6200" not in document.text_encrypted
    assert ("工资条（2024-05-07）", "2024年3月应发工资6200元，实发0元。") in services.case_file_read(
        case=dispute, by=officer
    )
    with pytest.raises(NotInScope):
        services.case_document_add(
            case=dispute, title="合同", text="…", on=date(2024, 5, 7), by=other_lawyer.user
        )
    with pytest.raises(ValidationError) as refused:
        services.case_document_add(case=dispute, title="合同", text=" ", on=date(2024, 5, 7), by=officer)
    assert "材料内容" in field_message(refused.value, "text")
    assert dispute.documents.count() == 1
