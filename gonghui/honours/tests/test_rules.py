from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gonghui.honours import rules, selectors, services
from gonghui.honours.models import EligibilityRule, Quota
from gonghui.honours.tests.factories import certificate, city_medal_rule, contest_result, fake_sources, title

pytestmark = pytest.mark.django_db


def test_quota_states_count_live():
    quota = Quota(attribute="industrial_worker", min_percent=35)
    (state,) = rules.quota_states(
        [quota], 10, [["industrial_worker"], [], ["frontline", "industrial_worker"]]
    )
    assert (state.needed, state.candidates, state.having, state.percent) == (4, 3, 2, 66.7)
    assert state.met and state.reachable
    assert rules.quota_refusal([quota], 4, [[], []], []) != ""  # 2 of 4 needed, 1 place left
    assert rules.quota_refusal([quota], 4, [[], []], ["industrial_worker"]) == ""


def test_a_contest_rule_marks_the_top_three(zone, officer):
    rule = city_medal_rule(zone, by=officer)
    entries = [
        contest_result(None, pk=1, place=2),
        contest_result(None, pk=2, place=5),
        contest_result(None, pk=3, place=1, level="zone"),
    ]
    (item,) = rules.evaluate([rule], entries)
    assert item.met and [e.ref for e in item.evidence] == ["contests.result:1"]
    assert rule.outcome_text == "可推荐市级五一劳动奖章"


def test_certificates_in_a_craft_count_toward_a_skill_step(zone, officer):
    rule = services.rule_create(
        federation=zone,
        name="电气类结业证书两张可申报技能等级晋升",
        evidence_kind="academy.certificate",
        craft="电气",
        min_count=2,
        outcome=EligibilityRule.Outcome.SKILL_STEP,
        outcome_label="可申报技能等级晋升一级",
        by=officer,
    )
    one = [certificate(None, pk=1), certificate(None, pk=2, craft="叉车")]
    assert not rules.evaluate([rule], one)[0].met
    assert not rules.evaluate([rule], [*one, certificate(None, pk=3, revoked=True)])[0].met
    assert rules.evaluate([rule], [*one, certificate(None, pk=4)])[0].met


def test_a_rule_refuses_a_missing_outcome(zone, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.rule_create(
            federation=zone, name="无结果", evidence_kind="contests.result", outcome="nomination", by=officer
        )
    assert "称号" in " ".join(excinfo.value.message_dict["title"])
    assert not EligibilityRule.objects.exists()


def test_the_talent_record_gathers_every_source(zone, officer, member_a, union_a):
    person = member_a.person
    services.award_record(
        title=title("craftsman"),
        level="city",
        year=2023,
        awarding_body="明月市总工会",
        organisation=union_a,
        person=person,
        by=officer,
    )
    with fake_sources({"tests.academy": {person.pk: [certificate(person)]}, "tests.contests": {}}):
        columns = {c.source.key: c.entries for c in selectors.talent_record(person)}
    assert [e.kind for e in columns["tests.academy"]] == ["academy.certificate"]
    assert columns["tests.contests"] == []
    (award,) = columns["honours.award"]
    assert (award.title, award.on, award.level) == ("2023年市级工匠", date(2023, 12, 31), "city")
    city_medal_rule(zone, by=officer)
    assert [r.name for r in selectors.rules_for(person)] == ["市级竞赛前三名可推荐市五一劳动奖章"]
