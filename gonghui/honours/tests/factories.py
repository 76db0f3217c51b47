from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from gonghui.core import registry
from gonghui.core.registry import Evidence, TalentSource
from gonghui.honours import services
from gonghui.honours.models import EligibilityRule, HonourTitle


def title(code: str) -> HonourTitle:
    return HonourTitle.objects.get(code=code)


def make_round(federation, *, by, code="may_day_medal", level="city", places=10, quotas=None, **kwargs):
    defaults = {
        "year": 2024,
        "name": f"2024年{federation.name}五一劳动奖章推荐",
        "closes_on": date(2024, 12, 31),
        "awarding_body": "明月市总工会",
    }
    return services.round_create(
        federation=federation,
        title=title(code),
        level=level,
        places=places,
        quotas=quotas or {},
        by=by,
        **defaults | kwargs,
    )


def nominate(round, person, *, by, attributes=(), on=date(2024, 6, 3), **kwargs):
    return services.nomination_create(
        round=round,
        person=person,
        attributes=attributes,
        deeds="扎根一线十余年，带领班组攻克电芯检测难题。",
        on=on,
        by=by,
        **kwargs,
    )


def contest_result(person, *, pk=1, place=2, level="city", craft="叉车", on=date(2024, 5, 20)) -> Evidence:
    return Evidence(
        kind="contests.result",
        on=on,
        title=f"2024年市职工技能大赛{craft}项目第{place}名",
        level=level,
        place=place,
        craft=craft,
        ref=f"contests.result:{pk}",
    )


def certificate(person, *, pk=1, craft="电气", hours="32", revoked=False) -> Evidence:
    return Evidence(
        kind="academy.certificate",
        on=date(2024, 4, 1),
        title=f"{craft}技能提升班结业证书",
        craft=craft,
        hours=Decimal(hours),
        ref=f"academy.certificate:{pk}",
        revoked=revoked,
    )


LABELS = {"tests.contests": "竞赛成绩", "tests.academy": "培训与证书"}


@contextmanager
def fake_sources(entries: dict):
    """Registers fake talent sources (what the academy and contests apps add on their branches):
    entries maps a source key to {person pk: [Evidence]}; they are removed afterwards."""
    keys = []
    for order, (key, by_person) in enumerate(entries.items(), start=1):
        registry.talent.register(
            TalentSource(
                key,
                LABELS.get(key, key),
                order,
                evidence=lambda person, d=by_person: list(d.get(person.pk, [])),
            )
        )
        keys.append(key)
    try:
        yield
    finally:
        for key in keys:
            del registry.talent._items[key]


def city_medal_rule(federation, *, by):
    return services.rule_create(
        federation=federation,
        name="市级竞赛前三名可推荐市五一劳动奖章",
        evidence_kind="contests.result",
        level="city",
        max_place=3,
        outcome=EligibilityRule.Outcome.NOMINATION,
        title=title("may_day_medal"),
        title_level="city",
        by=by,
    )
