from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope
from gonghui.coverage.models import (
    Founding,
    FoundingDocument,
    FoundingStep,
    GuidanceVisit,
    Recruit,
    Step,
    Target,
)
from gonghui.coverage.services import (
    FLOW,
    RULES,
    Actor,
    campaign_create,
    campaign_refresh_targets,
    founding_advance,
    founding_start,
    recruit_register,
    target_assign,
    visit_record,
)
from gonghui.coverage.tests.factories import advance, content_for, pdf, register_recruits, walk
from gonghui.members.models import Membership
from gonghui.members.services import member_join, member_leave
from gonghui.members.tests.factories import fake, make_member
from gonghui.orgs.models import Officer, Organisation
from gonghui.orgs.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def message_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def snapshot(founding):
    """What a refused move must leave untouched."""
    founding.refresh_from_db()
    return (
        founding.state,
        founding.steps.count(),
        FoundingDocument.objects.count(),
        AuditLog.objects.filter(action__startswith="founding").count(),
    )


# ---- every allowed move, one enterprise from start to union -------------------------------------


def test_walking_every_step_founds_the_union_with_its_members_and_officers(
    zone, officer, leader, target_enterprise
):
    founding = walk(target_enterprise, until=Step.ESTABLISHED, officer=officer, leader=leader)

    assert founding.state == Step.ESTABLISHED
    assert list(founding.steps.values_list("to_state", flat=True)) == list(FLOW)
    union = Organisation.objects.get(code="UNEW")
    assert (union.parent, union.kind, union.established_on) == (zone, "enterprise_union", date(2024, 6, 1))
    assert union.path == "/CITY/ZONE/UNEW/"
    target_enterprise.refresh_from_db()
    assert target_enterprise.union == union == founding.union
    members = Membership.objects.filter(union=union)
    assert members.count() == 5 and {m.started_on for m in members} == {date(2024, 6, 1)}
    assert {m.enterprise_id for m in members} == {target_enterprise.pk}
    officers = {(o.person.name, o.role) for o in Officer.objects.filter(union=union).select_related("person")}
    assert officers == {
        ("王建国", "chair"),
        ("李秀英", "vice_chair"),
        ("张伟", "committee"),
        ("刘芳", "audit_chair"),
        ("陈明", "audit_member"),
    }
    chair = Officer.objects.get(union=union, role="chair")
    assert (chair.term_start, chair.term_end) == (date(2024, 6, 1), date(2029, 5, 31))
    actions = list(AuditLog.objects.filter(object_type="coverage.founding").values_list("action", flat=True))
    assert {f"founding.{s.value}" for s in FLOW} <= set(actions)
    assert AuditLog.objects.filter(action="organisation.create", object_id=str(union.pk)).exists()


def test_documents_are_stored_under_media_root_with_their_step(
    officer, leader, target_enterprise, media_root
):
    founding = walk(target_enterprise, until=Step.SURVEY, officer=officer, leader=leader)
    record = advance(founding, Step.REQUEST, officer, documents=[pdf("建会请示.pdf")])
    document = record.documents.get()
    assert document.name == "建会请示.pdf" and document.size > 0
    assert (media_root / document.file.name).read_bytes().startswith(b"%PDF")
    assert "建会请示" not in document.file.name  # stored under a random name


@pytest.mark.parametrize("state", [s for s in FLOW if s != Step.ESTABLISHED])
def test_dropping_is_possible_from_every_open_step_with_a_reason(state, officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=state, officer=officer, leader=leader)
    founding_advance(founding=founding, step=Step.DROPPED, by=officer, on=date(2024, 7, 1), note="企业搬迁")
    founding.refresh_from_db()
    assert founding.state == Step.DROPPED
    assert founding.steps.get(to_state=Step.DROPPED).note == "企业搬迁"
    assert not Organisation.objects.filter(code="UNEW").exists()


def test_after_dropping_a_new_founding_may_start(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.SURVEY, officer=officer, leader=leader)
    founding_advance(founding=founding, step=Step.DROPPED, by=officer, on=date(2024, 7, 1), note="暂缓")
    again = founding_start(enterprise=target_enterprise, on=date(2024, 8, 1), by=officer)
    assert again.state == Step.STARTED and again.pk != founding.pk


# ---- refused moves: nothing saved ---------------------------------------------------------------


@pytest.mark.parametrize("skip_to", [Step.REQUEST, Step.APPROVAL, Step.ELECTION, Step.ESTABLISHED])
def test_skipping_a_step_is_refused(skip_to, officer, leader, target_enterprise):
    founding = founding_start(enterprise=target_enterprise, on=date(2024, 3, 1), by=officer)
    before = snapshot(founding)
    by = leader if RULES[skip_to].actor == Actor.APPROVAL else officer
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, skip_to, by)
    assert message_of(excinfo) == "不能跳过步骤：「启动建会」之后应办理「调研」"
    assert snapshot(founding) == before


def test_recording_a_step_twice_is_refused(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.REQUEST, officer=officer, leader=leader)
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, Step.SURVEY, officer)
    assert "「调研」已经办理过了" in message_of(excinfo)


@pytest.mark.parametrize("approval", [Step.APPROVAL, Step.SLATE, Step.RESULTS_APPROVAL])
def test_approving_ones_own_request_is_refused(approval, officer, leader, target_enterprise):
    previous = FLOW[FLOW.index(approval) - 1]
    founding = walk(target_enterprise, until=previous, officer=officer, leader=leader)
    before = snapshot(founding)
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, approval, officer)
    assert "不能审批自己经办的请示" in message_of(excinfo)
    assert snapshot(founding) == before
    advance(founding, approval, leader)  # another officer may
    founding.refresh_from_db()
    assert founding.state == approval


def test_an_approver_who_later_carries_a_step_cannot_approve_the_next_request(
    officer, leader, target_enterprise
):
    founding = walk(target_enterprise, until=Step.APPROVAL, officer=officer, leader=leader)
    advance(founding, Step.PREPARATORY, leader)  # the leader now carries the group's step
    register_recruits(founding, officer)
    advance(founding, Step.RECRUITMENT, officer)
    advance(founding, Step.GROUPS, officer)
    with pytest.raises(ValidationError, match="不能审批自己经办的请示"):
        advance(founding, Step.SLATE, leader)


def test_founding_a_second_union_for_an_enterprise_that_has_one_is_refused(officer, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        founding_start(enterprise=enterprise_a, on=date(2024, 3, 1), by=officer)
    assert "已有工会（甲公司工会），不能再建立工会" in message_of(excinfo)
    assert not Founding.objects.exists()


def test_an_enterprise_that_gets_a_union_meanwhile_cannot_found_a_second(
    officer, leader, target_enterprise, union_a
):
    founding = walk(target_enterprise, until=Step.RESULTS_APPROVAL, officer=officer, leader=leader)
    target_enterprise.union = union_a  # joined a joint union in the meantime
    target_enterprise.save(update_fields=["union"])
    before = snapshot(founding)
    with pytest.raises(ValidationError, match="已有工会（甲公司工会）"):
        advance(founding, Step.ESTABLISHED, officer)
    assert snapshot(founding) == before
    assert not Organisation.objects.filter(code="UNEW").exists()
    assert not Officer.objects.exists()


def test_a_second_open_founding_is_refused(officer, target_enterprise):
    founding_start(enterprise=target_enterprise, on=date(2024, 3, 1), by=officer)
    with pytest.raises(ValidationError, match="已有进行中的建会流程"):
        founding_start(enterprise=target_enterprise, on=date(2024, 3, 2), by=officer)


def test_a_chair_who_is_not_a_member_is_refused(officer, leader, target_enterprise, member_a):
    founding = walk(target_enterprise, until=Step.ASSEMBLY, officer=officer, leader=leader)
    data = content_for(founding, Step.ELECTION)
    data["chair"] = member_a.person_id  # a member of another union, never registered here
    before = snapshot(founding)
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, Step.ELECTION, officer, data=data)
    assert excinfo.value.message_dict["chair"] == ["张三未在本企业登记入会，不是会员，不能当选"]
    assert snapshot(founding) == before


def test_the_elected_must_be_on_the_approved_slate(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.GROUPS, officer=officer, leader=leader)
    recruits = [r.person_id for r in founding.recruits.order_by("id")]
    advance(founding, Step.SLATE, leader, data={"candidates": recruits[:4]})
    advance(founding, Step.ASSEMBLY, officer)
    data = content_for(founding, Step.ELECTION)
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, Step.ELECTION, officer, data=data)
    assert excinfo.value.message_dict["audit_members"] == ["陈明不在上级批准的候选人名单中"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"audit_chair": "chair"}, "audit_chair", "工会主席不得兼任经费审查委员会成员"),
        ({"vice_chairs": [], "committee": []}, "committee", "工会委员会至少3人"),
        ({"term_years": 6}, "term_years", "每届任期为三至五年"),
    ],
)
def test_election_content_is_checked(change, field, message, officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.ASSEMBLY, officer=officer, leader=leader)
    data = content_for(founding, Step.ELECTION)
    data.update({k: data["chair"] if v == "chair" else v for k, v in change.items()})
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, Step.ELECTION, officer, data=data)
    assert message in excinfo.value.message_dict[field][0]


def test_a_preparatory_group_has_three_to_five_people(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.APPROVAL, officer=officer, leader=leader)
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, Step.PREPARATORY, officer, data={"members": ["甲", "乙"]})
    assert excinfo.value.message_dict["members"] == ["筹备组应由3至5人组成，现填写2人"]


def test_recruitment_needs_three_registered_workers(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.PREPARATORY, officer=officer, leader=leader)
    register_recruits(founding, officer, people=[("王建国", "M"), ("李秀英", "F")])
    with pytest.raises(ValidationError, match="至少登记3名会员才能完成入会登记，现有2名"):
        advance(founding, Step.RECRUITMENT, officer)


def test_the_assembly_needs_two_thirds_present(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.SLATE, officer=officer, leader=leader)
    with pytest.raises(ValidationError, match="三分之二"):
        advance(founding, Step.ASSEMBLY, officer, data={"expected": 30, "present": 20})


@pytest.mark.parametrize("step", [s for s, r in RULES.items() if r.document])
def test_steps_that_need_a_document_refuse_without_it(step, officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=FLOW[FLOW.index(step) - 1], officer=officer, leader=leader)
    by = leader if RULES[step].actor == Actor.APPROVAL else officer
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, step, by, documents=[])
    assert excinfo.value.message_dict["documents"][0].startswith("请上传")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("请示.exe", b"MZ\x90\x00"), "只能上传"),
        (SimpleUploadedFile("请示.pdf", b"<html>not a pdf</html>"), "内容与文件类型不符"),
        (SimpleUploadedFile("请示.pdf", b""), "空文件"),
        (SimpleUploadedFile("请示.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)), "超过10 MB"),
    ],
)
def test_documents_of_the_wrong_type_or_size_are_refused(upload, message, officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.SURVEY, officer=officer, leader=leader)
    before = snapshot(founding)
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, Step.REQUEST, officer, documents=[upload])
    assert message in excinfo.value.message_dict["documents"][0]
    assert snapshot(founding) == before


def test_dropping_needs_a_reason_and_ends_the_workflow(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.SURVEY, officer=officer, leader=leader)
    with pytest.raises(ValidationError) as excinfo:
        founding_advance(founding=founding, step=Step.DROPPED, by=officer, on=date(2024, 7, 1), note=" ")
    assert excinfo.value.message_dict["note"] == ["请填写终止原因"]
    founding_advance(founding=founding, step=Step.DROPPED, by=officer, on=date(2024, 7, 1), note="企业注销")
    with pytest.raises(ValidationError, match="该建会流程已终止，不能再办理"):
        advance(founding, Step.REQUEST, officer)


def test_a_date_before_the_previous_step_or_in_the_future_is_refused(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.SURVEY, officer=officer, leader=leader)
    with pytest.raises(ValidationError) as excinfo:
        advance(founding, Step.REQUEST, officer, on=date(2024, 5, 1))
    assert excinfo.value.message_dict["on"] == ["办理日期不能早于上一步骤的日期2024-06-01"]
    with pytest.raises(ValidationError, match="不能晚于今天"):
        advance(founding, Step.REQUEST, officer, on=timezone.localdate() + timedelta(days=1))


def test_only_federation_staff_in_scope_record_steps(officer, leader, admin_a, target_enterprise):
    founding = walk(target_enterprise, until=Step.SURVEY, officer=officer, leader=leader)
    with pytest.raises(NotInScope):
        advance(founding, Step.REQUEST, admin_a)
    with pytest.raises(NotInScope):
        founding_start(
            enterprise=EnterpriseFactory(federation=founding.enterprise.federation),
            on=date(2024, 1, 1),
            by=admin_a,
        )


def test_an_unknown_step_is_refused(officer, target_enterprise):
    founding = founding_start(enterprise=target_enterprise, on=date(2024, 3, 1), by=officer)
    with pytest.raises(ValidationError, match="未知的建会步骤"):
        founding_advance(founding=founding, step="vote", by=officer, on=date(2024, 3, 2))


# ---- recruitment ----------------------------------------------------------------------------------


def test_recruitment_refuses_a_member_of_another_union(officer, leader, target_enterprise, member_a):
    founding = walk(target_enterprise, until=Step.PREPARATORY, officer=officer, leader=leader)
    with pytest.raises(ValidationError) as excinfo:
        recruit_register(
            founding=founding,
            id_number=member_a.person.reveal_id_number(),
            name="张三",
            mobile=fake.mobile(),
            registered_on=date(2024, 6, 2),
            by=officer,
        )
    assert "已是甲公司工会的在册会员" in excinfo.value.message_dict["id_number"][0]
    assert not Recruit.objects.exists()


def test_recruitment_is_only_open_between_the_group_and_the_slate(officer, leader, target_enterprise):
    founding = walk(target_enterprise, until=Step.APPROVAL, officer=officer, leader=leader)
    with pytest.raises(ValidationError, match="入会登记须在成立筹备组之后"):
        register_recruits(founding, officer, people=[("王建国", "M")])


def test_recruitment_registers_a_known_person_once(officer, leader, target_enterprise, union_a):
    former = make_member(union_a, name="周敏")
    member_leave(membership=former, on=date(2023, 1, 1), by=officer)
    founding = walk(target_enterprise, until=Step.PREPARATORY, officer=officer, leader=leader)
    number = former.person.reveal_id_number()
    kwargs = {
        "founding": founding,
        "id_number": number,
        "name": "周敏",
        "mobile": "13900000009",
        "registered_on": date(2024, 6, 2),
        "by": officer,
    }
    recruit = recruit_register(**kwargs)
    assert recruit.person == former.person
    with pytest.raises(ValidationError, match="周敏已经登记"):
        recruit_register(**kwargs)
    with pytest.raises(ValidationError, match="姓名不一致"):
        recruit_register(**{**kwargs, "name": "周明"})


def test_a_recruit_who_joined_elsewhere_before_the_founding_stops_it(
    officer, leader, target_enterprise, union_a
):
    founding = walk(target_enterprise, until=Step.RESULTS_APPROVAL, officer=officer, leader=leader)
    person = founding.recruits.order_by("id").last().person
    member_join(
        union=union_a,
        id_number=person.reveal_id_number(),
        name=person.name,
        mobile=person.mobile,
        started_on=date(2024, 6, 1),
        by=officer,
    )
    with pytest.raises(ValidationError, match="陈明无法登记为会员"):
        advance(founding, Step.ESTABLISHED, officer)
    assert not Organisation.objects.filter(code="UNEW").exists()


# ---- campaign and visits ----------------------------------------------------------------------------


def test_a_campaign_lists_the_enterprises_of_its_rule_without_a_union(zone, officer, enterprise_a):
    key = EnterpriseFactory(name="重点甲", federation=zone, headcount=30, is_key=True)
    large = EnterpriseFactory(name="百人乙", federation=zone, headcount=100)
    EnterpriseFactory(name="小微丙", federation=zone, headcount=99)
    new_form = EnterpriseFactory(name="平台丁", federation=zone, headcount=10, is_new_employment_form=True)
    campaign = campaign_create(federation=zone, year=2024, name="2024年建会入会集中行动", by=officer)
    assert set(campaign.targets.values_list("enterprise__name", flat=True)) == {"重点甲", "百人乙", "平台丁"}
    only_key = campaign_create(
        federation=zone, year=2024, name="重点企业", by=officer, include_large=False, include_new_form=False
    )
    assert list(only_key.targets.values_list("enterprise", flat=True)) == [key.pk]
    assert {large.pk, new_form.pk} < set(campaign.targets.values_list("enterprise", flat=True))
    late = EnterpriseFactory(name="新落户戊", federation=zone, headcount=300)
    assert campaign_refresh_targets(campaign=campaign, by=officer) == 1
    assert campaign.targets.filter(enterprise=late).exists()
    assert campaign_refresh_targets(campaign=campaign, by=officer) == 0
    assert AuditLog.objects.filter(action="campaign.create").count() == 2


def test_a_campaign_needs_a_category_and_a_federation(zone, union_a, officer):
    with pytest.raises(ValidationError, match="请至少选择一类目标企业"):
        campaign_create(
            federation=zone,
            year=2024,
            name="空",
            by=officer,
            include_key=False,
            include_large=False,
            include_new_form=False,
        )
    with pytest.raises(ValidationError, match="集中行动由总工会组织"):
        campaign_create(federation=union_a, year=2024, name="错", by=officer)


def test_a_target_is_assigned_to_federation_staff_only(zone, officer, admin_a, target_enterprise):
    campaign = campaign_create(federation=zone, year=2024, name="行动", by=officer)
    target = campaign.targets.get()
    target_assign(target=target, officer=officer, by=officer)
    assert Target.objects.get().officer == officer
    with pytest.raises(ValidationError, match="责任人须为"):
        target_assign(target=target, officer=admin_a, by=officer)


def test_a_visit_is_linked_to_the_open_founding(officer, leader, target_enterprise, admin_a):
    founding = founding_start(enterprise=target_enterprise, on=date(2024, 3, 1), by=officer)
    visit = visit_record(
        enterprise=target_enterprise,
        visited_on=date(2024, 3, 5),
        officers=[officer, leader],
        discussed="宣讲《工会法》，了解职工入会意愿",
        next_step="四月召开职工座谈会",
        by=officer,
    )
    assert visit.founding == founding and set(visit.officers.all()) == {officer, leader}
    with pytest.raises(ValidationError, match="走访人员须为总工会工作人员"):
        visit_record(
            enterprise=target_enterprise,
            visited_on=date(2024, 3, 5),
            officers=[admin_a],
            discussed="x",
            by=officer,
        )
    with pytest.raises(ValidationError, match="请填写走访内容"):
        visit_record(
            enterprise=target_enterprise,
            visited_on=date(2024, 3, 5),
            officers=[officer],
            discussed=" ",
            by=officer,
        )
    assert GuidanceVisit.objects.count() == 1
    assert FoundingStep.objects.filter(founding=founding).count() == 1
