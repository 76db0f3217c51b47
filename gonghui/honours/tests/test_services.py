from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.models import AuditLog
from gonghui.core.scope import NotInScope
from gonghui.honours import services
from gonghui.honours.models import Award, Nomination, NominationRound, NominationStep, Objection, Status
from gonghui.honours.tests.factories import contest_result, fake_sources, make_round, nominate, title
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MONDAY = date(2024, 6, 3)


def message(excinfo, field):
    return " ".join(excinfo.value.message_dict[field])


def advance(nomination, *steps, by, on=MONDAY):
    for to in steps:
        nomination = services.nomination_advance(nomination=nomination, to=to, by=by, on=on)
    return nomination


def objection(nomination, **kwargs):
    data = {
        "kind": "person",
        "name": "赵明远",
        "contact": "13900001111",
        "content": "该候选人所述技术革新成果系班组集体完成，请核实。",
        "on": date(2024, 6, 5),
    }
    return services.objection_submit(nomination=nomination, **data | kwargs)


# --- rounds ---


def test_a_round_with_quotas_is_audited(zone, officer):
    round = make_round(zone, by=officer, quotas={"industrial_worker": 35, "frontline": 20})
    assert sorted(round.quotas.values_list("attribute", "min_percent")) == [
        ("frontline", 20),
        ("industrial_worker", 35),
    ]
    assert AuditLog.objects.get(action="honours.round_create").detail["quotas"] == {
        "industrial_worker": 35,
        "frontline": 20,
    }


def test_a_round_refuses_bad_input_and_saves_nothing(zone, officer, union_a):
    with pytest.raises(ValidationError) as excinfo:
        make_round(zone, by=officer, quotas={"industrial_worker": 35, "astronaut": 10})
    assert "无效" in message(excinfo, "quotas")
    with pytest.raises(ValidationError) as excinfo:
        make_round(zone, by=officer, level="galactic")
    assert "级别" in message(excinfo, "level")
    with pytest.raises(ValidationError) as excinfo:
        make_round(union_a, by=officer)
    assert "总工会" in message(excinfo, "federation")
    assert not NominationRound.objects.exists()


def test_only_staff_of_the_federation_create_rounds(zone, admin_a, city_officer, officer):
    with pytest.raises(NotInScope):
        make_round(zone, by=admin_a)
    with pytest.raises(NotInScope):
        make_round(zone.parent, by=officer)
    make_round(zone, by=city_officer)


# --- nominations and quotas ---


def test_a_union_nominates_its_member(zone, officer, admin_a, member_a):
    round = make_round(zone, by=officer)
    nomination = nominate(round, member_a.person, by=admin_a, attributes=["industrial_worker"])
    assert nomination.status == Status.RECOMMENDED
    assert nomination.union == member_a.union
    assert nomination.workplace == member_a.enterprise.name
    assert list(nomination.steps.values_list("to_state", flat=True)) == [Status.RECOMMENDED]
    assert AuditLog.objects.filter(action="honours.nominate", object_id=str(nomination.pk)).exists()


def test_nominating_another_unions_member_is_out_of_scope(zone, officer, admin_b, member_a):
    round = make_round(zone, by=officer)
    with pytest.raises(NotInScope):
        nominate(round, member_a.person, by=admin_b)
    assert not Nomination.objects.exists()


def test_a_nomination_refuses_bad_input(zone, officer, admin_a, member_a):
    round = make_round(zone, by=officer)
    with pytest.raises(ValidationError) as excinfo:
        services.nomination_create(round=round, person=member_a.person, deeds="好", on=MONDAY, by=admin_a)
    assert "10个字" in message(excinfo, "deeds")
    with pytest.raises(ValidationError) as excinfo:
        nominate(round, member_a.person, by=admin_a, attributes=["astronaut"])
    assert "无效" in message(excinfo, "attributes")
    with pytest.raises(ValidationError) as excinfo:
        nominate(round, member_a.person, by=admin_a, on=date(2025, 1, 2))
    assert "截止" in message(excinfo, "round")
    with pytest.raises(ValidationError) as excinfo:
        nominate(round, member_a.person, by=admin_a, evidence_refs=["contests.result:99"])
    assert "不在" in message(excinfo, "evidence")
    nominate(round, member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        nominate(round, member_a.person, by=admin_a)
    assert "已在本次推荐中" in message(excinfo, "person")
    assert Nomination.objects.count() == 1
    assert NominationStep.objects.count() == 1


def test_quotas_are_checked_as_candidates_are_added(zone, officer, admin_a, union_a):
    # 4 places, ≥ 50% 产业工人 → at least 2 of 4; after one without, one more without leaves 2 places for 2.
    round = make_round(zone, by=officer, places=4, quotas={"industrial_worker": 50})
    people = [make_member(union_a).person for _ in range(5)]
    nominate(round, people[0], by=admin_a)
    nominate(round, people[1], by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        nominate(round, people[2], by=admin_a, attributes=["frontline"])
    text = message(excinfo, "attributes")
    assert "产业工人比例须不低于50%" in text and "至少2人" in text
    nominate(round, people[2], by=admin_a, attributes=["industrial_worker"])
    nominate(round, people[3], by=admin_a, attributes=["industrial_worker"])
    with pytest.raises(ValidationError) as excinfo:
        nominate(round, people[4], by=admin_a, attributes=["industrial_worker"])
    assert "名额4人已满" in message(excinfo, "round")
    assert Nomination.objects.count() == 4


def test_a_rejected_candidate_frees_a_place(zone, officer, admin_a, union_a):
    round = make_round(zone, by=officer, places=1)
    first, second = make_member(union_a).person, make_member(union_a).person
    nomination = nominate(round, first, by=admin_a)
    with pytest.raises(ValidationError):
        nominate(round, second, by=admin_a)
    services.nomination_advance(
        nomination=nomination, to=Status.REJECTED, note="材料不全", by=officer, on=MONDAY
    )
    nominate(round, second, by=admin_a)


def test_the_single_track_needs_a_contest_result(zone, officer, admin_a, member_a):
    round = make_round(zone, by=officer, single_track=True, name="2024年竞赛优胜者单列表彰")
    with pytest.raises(ValidationError) as excinfo:
        nominate(round, member_a.person, by=admin_a)
    assert "竞赛成绩" in message(excinfo, "evidence")
    result = contest_result(member_a.person)
    with fake_sources({"tests.contests": {member_a.person.pk: [result]}}):
        nomination = nominate(round, member_a.person, by=admin_a, evidence_refs=[result.ref])
    (attached,) = nomination.evidence.all()
    assert (attached.ref, attached.title, attached.place) == (result.ref, result.title, 2)


def test_an_organisation_honour_names_a_union(zone, officer, admin_a, union_a, union_b):
    round = make_round(zone, by=officer, code="model_workers_home", name="2024年模范职工之家推荐")
    nomination = services.nomination_create(
        round=round,
        organisation=union_a,
        deeds="职工之家阵地完善，活动经常，职工满意。",
        on=MONDAY,
        by=admin_a,
    )
    assert (nomination.union, nomination.organisation, nomination.person) == (union_a, union_a, None)
    with pytest.raises(NotInScope):
        services.nomination_create(round=round, organisation=union_b, deeds="x" * 12, on=MONDAY, by=admin_a)


# --- the flow ---


def test_the_flow_to_an_award_through_the_public_notice(zone, officer, admin_a, member_a):
    round = make_round(zone, by=officer)
    nomination = nominate(round, member_a.person, by=admin_a)
    nomination = advance(nomination, Status.MATERIAL_REVIEW, Status.EVALUATION, Status.PUBLICITY, by=officer)
    # Five working days after Monday 3 June 2024: 4–7 June and, after 端午 on Monday 10 June, the 11th.
    assert (nomination.publicity_starts_on, nomination.publicity_ends_on) == (MONDAY, date(2024, 6, 11))
    with pytest.raises(ValidationError) as excinfo:
        advance(nomination, Status.APPROVAL, by=officer, on=date(2024, 6, 11))
    assert "2024-06-11" in message(excinfo, "on")
    raised = objection(nomination)
    with pytest.raises(ValidationError) as excinfo:
        advance(nomination, Status.APPROVAL, by=officer, on=date(2024, 6, 12))
    assert "未答复" in message(excinfo, "to")
    services.objection_answer(
        objection=raised, answer="经核实，该成果由候选人牵头完成，异议不成立。", by=officer
    )
    nomination = advance(nomination, Status.APPROVAL, Status.AWARDED, by=officer, on=date(2024, 6, 12))
    award = Award.objects.get(nomination=nomination)
    assert (award.person, award.year, award.level, award.title.code) == (
        member_a.person,
        2024,
        "city",
        "may_day_medal",
    )
    assert list(nomination.steps.values_list("to_state", flat=True)) == [
        "recommended",
        "material_review",
        "evaluation",
        "publicity",
        "approval",
        "awarded",
    ]
    assert AuditLog.objects.filter(action="honours.advance").count() == 5
    assert AuditLog.objects.filter(action="honours.objection_answer").exists()


def test_moves_outside_the_table_are_refused(zone, officer, admin_a, member_a):
    nomination = nominate(make_round(zone, by=officer), member_a.person, by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        advance(nomination, Status.PUBLICITY, by=officer)
    assert "推荐对象当前为“推荐”，不能转为“公示”" in message(excinfo, "to")
    with pytest.raises(ValidationError) as excinfo:
        advance(nomination, Status.REJECTED, by=officer)
    assert "原因" in message(excinfo, "note")
    with pytest.raises(ValidationError) as excinfo:
        advance(nomination, Status.MATERIAL_REVIEW, by=officer, on=date(2024, 6, 1))
    assert "不能早于" in message(excinfo, "on")
    nomination.refresh_from_db()
    assert nomination.status == Status.RECOMMENDED
    assert nomination.steps.count() == 1


def test_only_the_rounds_staff_advance(zone, officer, admin_a, member_a, city_officer):
    city_round = make_round(zone.parent, by=city_officer)
    nomination = nominate(city_round, member_a.person, by=admin_a)
    for outsider in (admin_a, officer):
        with pytest.raises(NotInScope):
            advance(nomination, Status.MATERIAL_REVIEW, by=outsider)
    advance(nomination, Status.MATERIAL_REVIEW, by=city_officer)


# --- objections ---


@pytest.fixture
def in_publicity(zone, officer, admin_a, member_a):
    nomination = nominate(make_round(zone, by=officer), member_a.person, by=admin_a)
    return advance(nomination, Status.MATERIAL_REVIEW, Status.EVALUATION, Status.PUBLICITY, by=officer)


def test_a_unit_objects_with_its_seal(in_publicity):
    seal = SimpleUploadedFile("公章.pdf", PDF, content_type="application/pdf")
    raised = objection(in_publicity, kind="unit", name="明月市某某机械有限公司", seal=seal, ip="10.0.0.1")
    assert raised.seal_name == "公章.pdf" and raised.seal.name.startswith("honours/seals/")
    assert raised.contact == "13900001111" and "13900001111" not in raised.contact_encrypted
    log = AuditLog.objects.get(action="honours.objection_submit")
    assert log.ip == "10.0.0.1" and "13900001111" not in str(log.detail)


def test_objections_refuse_missing_identity_and_bad_input(in_publicity):
    cases = [
        ({"kind": "unit", "name": "明月市某某机械有限公司"}, "seal", "公章"),
        (
            {"kind": "unit", "name": "明月市某某机械有限公司", "seal": SimpleUploadedFile("a.exe", b"MZ")},
            "seal",
            "只能上传",
        ),
        ({"name": "匿"}, "name", "真实姓名"),
        ({"name": "anonymous"}, "name", "真实姓名"),
        ({"contact": "12345"}, "contact", "联系电话"),
        ({"content": "不同意"}, "content", "10个字"),
        ({"kind": "robot"}, "kind", "单位或个人"),
        ({"on": date(2024, 6, 12)}, "nomination", "不在公示期"),
    ]
    for kwargs, field, text in cases:
        with pytest.raises(ValidationError) as excinfo:
            objection(in_publicity, **kwargs)
        assert text in message(excinfo, field), (kwargs, excinfo.value.message_dict)
    assert not Objection.objects.exists()


def test_objections_from_one_address_are_slowed(in_publicity):
    for _ in range(services.OBJECTIONS_PER_HOUR):
        objection(in_publicity, ip="10.0.0.9")
    with pytest.raises(ValidationError) as excinfo:
        objection(in_publicity, ip="10.0.0.9")
    assert "频繁" in message(excinfo, "content")
    objection(in_publicity, ip="10.0.0.10")


def test_an_objection_is_answered_once_by_the_rounds_staff(in_publicity, admin_a, officer):
    raised = objection(in_publicity)
    with pytest.raises(NotInScope):
        services.objection_answer(objection=raised, answer="已核实无此事。", by=admin_a)
    with pytest.raises(ValidationError) as excinfo:
        services.objection_answer(objection=raised, answer="", by=officer)
    assert "答复" in message(excinfo, "answer")
    services.objection_answer(objection=raised, answer="已核实，异议不成立。", by=officer)
    with pytest.raises(ValidationError) as excinfo:
        services.objection_answer(objection=raised, answer="再次答复。", by=officer)
    assert "已答复" in message(excinfo, "answer")


# --- awards ---


def test_awards_are_recorded_by_staff(zone, officer, admin_a, union_a, member_a):
    award = services.award_record(
        title=title("labour_model"),
        level="provincial",
        year=2022,
        awarding_body="江西省人民政府",
        organisation=union_a,
        person=member_a.person,
        by=officer,
    )
    assert str(award) == f"2022年省级劳动模范 · {member_a.person.name}"
    with pytest.raises(NotInScope):
        services.award_record(
            title=title("labour_model"),
            level="city",
            year=2022,
            awarding_body="x",
            organisation=union_a,
            person=member_a.person,
            by=admin_a,
        )
    with pytest.raises(ValidationError) as excinfo:
        services.award_record(
            title=title("model_workers_home"),
            level="city",
            year=2022,
            awarding_body="x",
            organisation=union_a,
            person=member_a.person,
            by=officer,
        )
    assert "集体" in message(excinfo, "person")
