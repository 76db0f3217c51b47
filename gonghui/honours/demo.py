"""Demo honours: the zone's five-year tally as the feature states it for 2020–2024 (national 1 labour
model and 1 May-1st medal, provincial 2 and 4, city 3 and 9), with earlier and later years so each
figure has a previous one; a few craftsmen and collective honours; the federation's eligibility rules;
and a city May-1st medal round whose candidates are in 公示 today, one with an objection waiting for
its answer. The round goes through the services, as officers would; the awards are bulk rows.
"""

from datetime import date

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.honours import services
from gonghui.honours.models import Award, EligibilityRule, HonourTitle, Status
from gonghui.members.models import Membership, Person

# (title, level, year, how many): 2020–2024 gives the feature's figures; 2019 and 2025 the years around.
AWARDS = [
    ("labour_model", "national", 2020, 1),
    ("may_day_medal", "national", 2023, 1),
    ("labour_model", "provincial", 2021, 1),
    ("labour_model", "provincial", 2024, 1),
    ("may_day_medal", "provincial", 2020, 1),
    ("may_day_medal", "provincial", 2022, 1),
    ("may_day_medal", "provincial", 2023, 1),
    ("may_day_medal", "provincial", 2024, 1),
    ("labour_model", "city", 2020, 1),
    ("labour_model", "city", 2022, 1),
    ("labour_model", "city", 2024, 1),
    ("may_day_medal", "city", 2020, 2),
    ("may_day_medal", "city", 2021, 2),
    ("may_day_medal", "city", 2022, 2),
    ("may_day_medal", "city", 2023, 1),
    ("may_day_medal", "city", 2024, 2),
    ("labour_model", "city", 2019, 1),
    ("may_day_medal", "city", 2019, 2),
    ("may_day_medal", "provincial", 2019, 1),
    ("may_day_medal", "city", 2025, 1),
    ("craftsman", "city", 2023, 3),
    ("craftsman", "city", 2024, 4),
    ("technical_expert", "city", 2024, 5),
]
COLLECTIVE = [
    ("model_workers_home", "provincial", 2022),
    ("model_workers_home", "city", 2024),
    ("advanced_union", "city", 2023),
]
BODIES = {"national": "中华全国总工会", "provincial": "江西省总工会", "city": "明月市总工会"}
LABOUR_MODEL_BODIES = {"national": "国务院", "provincial": "江西省人民政府", "city": "明月市人民政府"}
DEEDS = [
    "扎根生产一线十二年，主持电芯分容工艺改进，良品率提高三个百分点。",
    "带领设备维护班组完成产线自动化改造，年节约成本两百余万元。",
    "获市职工技能大赛电气电工项目第一名，带徒二十余人。",
    "牵头编制叉车安全操作规程，所在车间连续五年零事故。",
    "开展二次元测量技术攻关，取得实用新型专利两项。",
    "坚持一线质检岗位，总结电芯目检“五看法”在全厂推广。",
]


def _members(faker, unions, count):
    """count active members of the zone's unions, drawn with the demo's generator."""
    ids = list(
        Membership.objects.active()
        .filter(union__in=unions)
        .order_by("pk")
        .values_list("person_id", "union_id", "enterprise__name", "union__name")[:4000]
    )
    return faker.random.sample(ids, count)


def _awards(faker, unions, worker) -> None:
    titles = {t.code: t for t in HonourTitle.objects.all()}
    wanted = [(code, level, year) for code, level, year, n in AWARDS for _ in range(n)]
    holders = _members(faker, unions, len(wanted))
    rows = []
    for (code, level, year), (person_id, union_id, enterprise, union_name) in zip(
        wanted, holders, strict=True
    ):
        bodies = LABOUR_MODEL_BODIES if code == "labour_model" else BODIES
        rows.append(
            Award(
                title=titles[code],
                level=level,
                year=year,
                awarding_body=bodies[level],
                organisation_id=union_id,
                person_id=person_id,
                workplace=enterprise or union_name,
            )
        )
    worker_union = (
        Membership.objects.active().filter(person=worker).values_list("union_id", flat=True).first()
    )
    rows.append(
        Award(
            title=titles["craftsman"],
            level="city",
            year=2023,
            awarding_body=BODIES["city"],
            organisation_id=worker_union,
            person=worker,
        )
    )
    for (code, level, year), union in zip(
        COLLECTIVE, faker.random.sample(unions, len(COLLECTIVE)), strict=True
    ):
        rows.append(
            Award(
                title=titles[code],
                level=level,
                year=year,
                awarding_body=BODIES[level],
                organisation=union,
                workplace=union.name,
            )
        )
    Award.objects.bulk_create(rows)


def _rules(zone, staff) -> None:
    services.rule_create(
        federation=zone,
        name="市级技能竞赛前三名可推荐市五一劳动奖章",
        evidence_kind="contests.result",
        level="city",
        max_place=3,
        outcome=EligibilityRule.Outcome.NOMINATION,
        title=HonourTitle.objects.get(code="may_day_medal"),
        title_level="city",
        by=staff,
    )
    services.rule_create(
        federation=zone,
        name="电气类结业证书两张可申报技能等级晋升",
        evidence_kind="academy.certificate",
        craft="电气",
        min_count=2,
        outcome=EligibilityRule.Outcome.SKILL_STEP,
        outcome_label="可申报技能等级晋升一级",
        by=staff,
    )


def _round_in_publicity(faker, zone, unions, staff, admins) -> None:
    """Today's round: four candidates in 公示 (one objection answered, one waiting), one in 评审, one
    not passed."""
    today = timezone.localdate()
    round = services.round_create(
        federation=zone,
        title=HonourTitle.objects.get(code="may_day_medal"),
        level="city",
        year=today.year,
        name=f"{today.year}年明月市五一劳动奖章推荐（经开区）",
        places=10,
        closes_on=today,
        awarding_body=BODIES["city"],
        quotas={"industrial_worker": 35, "frontline": 20},
        by=staff,
    )
    services.round_create(
        federation=zone,
        title=HonourTitle.objects.get(code="may_day_medal"),
        level="city",
        year=today.year,
        name=f"{today.year}年职工技能竞赛优胜者单列表彰",
        places=5,
        closes_on=date(today.year, 12, 31),
        awarding_body=BODIES["city"],
        single_track=True,
        by=staff,
    )
    attributes = [
        ["industrial_worker", "frontline"],
        ["industrial_worker"],
        ["industrial_worker", "frontline"],
        ["technician"],
        ["industrial_worker", "frontline"],
        ["manager"],
    ]
    candidates = {union.code: iter(_members(faker, [union], len(attributes))) for union in unions}
    nominations = []
    for i, attrs in enumerate(attributes):
        union = unions[i % 2]
        nominations.append(
            services.nomination_create(
                round=round,
                person=Person.objects.get(pk=next(candidates[union.code])[0]),
                attributes=attrs,
                deeds=DEEDS[i],
                on=today,
                by=admins[union.code],
            )
        )
    moves = (Status.MATERIAL_REVIEW, Status.EVALUATION, Status.PUBLICITY)
    for nomination in nominations[:4]:
        for to in moves:
            services.nomination_advance(nomination=nomination, to=to, on=today, by=staff)
    for to in moves[:2]:
        services.nomination_advance(nomination=nominations[4], to=to, on=today, by=staff)
    services.nomination_advance(
        nomination=nominations[5],
        to=Status.REJECTED,
        note="材料审核：缺少所在单位党组织意见",
        on=today,
        by=staff,
    )
    answered = services.objection_submit(
        nomination=nominations[0],
        kind="person",
        name=faker.name(),
        contact=faker.mobile(),
        content="反映该候选人的技术革新成果是否为本人牵头完成，请核实。",
        on=today,
    )
    services.objection_answer(
        objection=answered, answer="经向所在企业和班组核实，该成果由候选人牵头完成，反映不属实。", by=staff
    )
    services.objection_submit(
        nomination=nominations[1],
        kind="person",
        name=faker.name(),
        contact=faker.mobile(),
        content="反映该候选人所在车间去年曾发生一起轻微安全事故，请核实。",
        on=today,
    )


def build(world) -> None:
    staff = User.objects.get(username="zone-admin")
    admins = {
        "U0001": User.objects.get(username="union-admin"),
        "U0002": User.objects.get(username="union-admin-2"),
    }
    unions = world.unions
    _awards(world.faker, unions, world.worker)
    _rules(world.zone, staff)
    _round_in_publicity(world.faker, world.zone, [u for u in unions if u.code in admins], staff, admins)
