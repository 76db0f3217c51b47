"""The KPIs of PRODUCT.md ("What it reports") for an organisation subtree and a year.

This is the one place a figure is defined. Each KPI is declared once in KPIS with its definition;
figures are computed by a few group functions, each ONE aggregate query that returns the value for
the year and for the year before — so a report costs the same number of queries for a union of ten
members as for a province. Later pillars add their KPIs to KPIS and a group function below.

"In the subtree" means: an organisation whose materialised path starts with root's path (root
itself included). "At year end" means at the end of 31 December of that year.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.activities.models import Activity, Registration, WelfareRecipient
from gonghui.members.models import Membership
from gonghui.orgs.models import Enterprise, Organisation


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str
    definition: str


def _kpi(key, label, unit, definition) -> tuple[str, Kpi]:
    return key, Kpi(key, label, unit, definition)


KPIS: dict[str, Kpi] = dict(
    [
        # Pillar 1 — union coverage 画好"同心圆"
        _kpi(
            "unions_total",
            gettext_lazy("基层工会总数"),
            gettext_lazy("家"),
            gettext_lazy("子树内的基层工会（企业工会、联合工会），成立日期不晚于12月31日，且到年底未撤销。"),
        ),
        _kpi(
            "unions_new",
            gettext_lazy("新建工会"),
            gettext_lazy("家"),
            gettext_lazy("子树内成立日期在当年的基层工会（当年成立后又撤销的也计入）。"),
        ),
        _kpi(
            "members_total",
            gettext_lazy("在册会员"),
            gettext_lazy("人"),
            gettext_lazy("年底时在子树内基层工会有有效会员关系的人数（按人计，不重复）。"),
        ),
        _kpi(
            "members_new",
            gettext_lazy("新增会员"),
            gettext_lazy("人"),
            gettext_lazy(
                "当年在子树内开始会员关系的人数（按人计）：入会计入，从子树外转入计入，"
                "子树内工会之间的接转不计入；退会后当年重新入会的计入一次。"
            ),
        ),
        _kpi(
            "target_enterprises",
            gettext_lazy("建会目标企业"),
            gettext_lazy("家"),
            gettext_lazy(
                "属地或所属工会在子树内、年底前已成立的重点企业、百人以上企业（职工人数按当前登记）"
                "和新就业形态企业。"
            ),
        ),
        _kpi(
            "target_enterprises_covered",
            gettext_lazy("已建会目标企业"),
            gettext_lazy("家"),
            gettext_lazy("目标企业中，所属工会成立日期不晚于12月31日且到年底未撤销的。"),
        ),
        _kpi(
            "coverage_rate",
            gettext_lazy("建会覆盖率"),
            "%",
            gettext_lazy("已建会目标企业 ÷ 建会目标企业 × 100，保留一位小数；没有目标企业时为空。"),
        ),
        _kpi(
            "lectures",
            gettext_lazy("宣讲会和专题学习会"),
            gettext_lazy("场"),
            gettext_lazy("子树内组织、活动日期在当年、已举办（记录了签到）的宣讲会和专题学习会。"),
        ),
        _kpi(
            "activities",
            gettext_lazy("工会活动"),
            gettext_lazy("场"),
            gettext_lazy(
                "子树内组织、活动日期在当年、已举办的各类工会活动（含宣讲会、学习会、职工出游等）。"
            ),
        ),
        _kpi(
            "activity_attendees",
            gettext_lazy("活动参加人次"),
            gettext_lazy("人次"),
            gettext_lazy("上述已举办活动中签到的人次（一人参加两场计两人次）。"),
        ),
        _kpi(
            "welfare_recipients",
            gettext_lazy("福利发放人次"),
            gettext_lazy("人次"),
            gettext_lazy("子树内基层工会发放日期在当年、已经第二名干部签批的福利发放的领取人次。"),
        ),
    ]
)

Figures = dict[str, dict[str, object]]  # {"unions_total": {"value": 195, "previous": 179}, ...}


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _both_years(aggregates: dict[str, Callable[[int], Count]], year: int) -> dict[str, Count]:
    """key → expression for the year, key__previous → the same for the year before."""
    out = {}
    for key, expression in aggregates.items():
        out[key] = expression(year)
        out[f"{key}__previous"] = expression(year - 1)
    return out


def _split(row: dict, keys) -> Figures:
    return {key: {"value": row[key], "previous": row[f"{key}__previous"]} for key in keys}


def _standing_at(prefix: str, end: date) -> Q:
    """An organisation established by `end` and not dissolved by then."""
    return Q(**{f"{prefix}established_on__lte": end}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": end})
    )


def _unions(root: Organisation, year: int) -> Figures:
    """unions_total, unions_new — one query."""
    aggregates = {
        "unions_total": lambda y: Count("pk", filter=_standing_at("", year_bounds(y)[1])),
        "unions_new": lambda y: Count("pk", filter=Q(established_on__range=year_bounds(y))),
    }
    row = Organisation.objects.subtree(root).grassroots().aggregate(**_both_years(aggregates, year))
    return _split(row, aggregates)


def _members(root: Organisation, year: int) -> Figures:
    """members_total, members_new — one query (the inside-transfer test is a correlated subquery)."""
    transferred_inside = Exists(
        Membership.objects.filter(
            person_id=OuterRef("person_id"),
            ended_on=OuterRef("started_on"),
            end_reason=Membership.EndReason.TRANSFERRED_OUT,
            union__path__startswith=root.path,
        )
    )
    aggregates = {
        "members_total": lambda y: Count(
            "person_id",
            distinct=True,
            filter=Q(started_on__lte=year_bounds(y)[1])
            & (Q(ended_on__isnull=True) | Q(ended_on__gt=year_bounds(y)[1])),
        ),
        "members_new": lambda y: Count(
            "person_id",
            distinct=True,
            filter=Q(started_on__range=year_bounds(y))
            & (Q(start_reason=Membership.StartReason.JOINED) | ~transferred_inside),
        ),
    }
    row = Membership.objects.filter(union__path__startswith=root.path).aggregate(
        **_both_years(aggregates, year)
    )
    return _split(row, aggregates)


def _rate(covered: int, targets: int) -> float | None:
    if not targets:
        return None
    return float((Decimal(covered) * 100 / Decimal(targets)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _coverage(root: Organisation, year: int) -> Figures:
    """target_enterprises, target_enterprises_covered, coverage_rate — one query."""
    in_category = (
        Q(is_key=True) | Q(headcount__gte=Enterprise.LARGE_HEADCOUNT) | Q(is_new_employment_form=True)
    )

    def existing(y):
        return Q(founded_on__isnull=True) | Q(founded_on__lte=year_bounds(y)[1])

    aggregates = {
        "target_enterprises": lambda y: Count("pk", filter=existing(y)),
        "target_enterprises_covered": lambda y: Count(
            "pk", filter=existing(y) & _standing_at("union__", year_bounds(y)[1])
        ),
    }
    in_subtree = Q(federation__path__startswith=root.path) | Q(union__path__startswith=root.path)
    row = Enterprise.objects.filter(in_subtree & in_category).aggregate(**_both_years(aggregates, year))
    figures = _split(row, aggregates)
    figures["coverage_rate"] = {
        when: _rate(figures["target_enterprises_covered"][when], figures["target_enterprises"][when])
        for when in ("value", "previous")
    }
    return figures


def _activities(root: Organisation, year: int) -> Figures:
    """lectures, activities — one query."""
    aggregates = {
        "lectures": lambda y: Count(
            "pk", filter=Q(held_on__range=year_bounds(y), kind__in=Activity.LECTURE_KINDS)
        ),
        "activities": lambda y: Count("pk", filter=Q(held_on__range=year_bounds(y))),
    }
    row = Activity.objects.filter(
        organiser__path__startswith=root.path, status=Activity.Status.HELD
    ).aggregate(**_both_years(aggregates, year))
    return _split(row, aggregates)


def _attendees(root: Organisation, year: int) -> Figures:
    """activity_attendees — one query."""
    aggregates = {
        "activity_attendees": lambda y: Count("pk", filter=Q(activity__held_on__range=year_bounds(y))),
    }
    row = Registration.objects.filter(
        attended=True,
        activity__status=Activity.Status.HELD,
        activity__organiser__path__startswith=root.path,
    ).aggregate(**_both_years(aggregates, year))
    return _split(row, aggregates)


def _welfare(root: Organisation, year: int) -> Figures:
    """welfare_recipients — one query."""
    aggregates = {
        "welfare_recipients": lambda y: Count(
            "pk", filter=Q(distribution__distributed_on__range=year_bounds(y))
        ),
    }
    row = WelfareRecipient.objects.filter(
        distribution__status="signed_off", distribution__union__path__startswith=root.path
    ).aggregate(**_both_years(aggregates, year))
    return _split(row, aggregates)


GROUPS: list[Callable[[Organisation, int], Figures]] = [
    _unions,
    _members,
    _coverage,
    _activities,
    _attendees,
    _welfare,
]


def kpis_for(root: Organisation, year: int) -> Figures:
    """Every KPI for root's subtree and the year, each {"value": …, "previous": …}, in KPIS order."""
    figures: Figures = {}
    for group in GROUPS:
        figures.update(group(root, year))
    return {key: figures[key] for key in KPIS}


def change(figure: dict) -> int | float | None:
    """This year's value minus last year's; None when either is unknown."""
    if figure["value"] is None or figure["previous"] is None:
        return None
    difference = figure["value"] - figure["previous"]
    return round(difference, 1) if isinstance(difference, float) else difference


def _about(n: int) -> str:
    """1834 → "1800余", 96 → "96"."""
    return _("%(n)d余") % {"n": n // 100 * 100} if n >= 1000 else str(n)


def report_sentences(root: Organisation, figures: Figures) -> list[str]:
    """The annual report's sentences, e.g. 全区共有企业工会195家，较去年新增16家，新增工会会员1800余人."""
    where = _("全区") if root.kind == Organisation.Kind.ZONE_FEDERATION else root.name
    sentences = [
        _(
            "%(where)s共有企业工会%(total)d家，较去年新增%(new)d家，新增工会会员%(members)s人；"
            "年末在册会员%(active)d人。"
        )
        % {
            "where": where,
            "total": figures["unions_total"]["value"],
            "new": figures["unions_new"]["value"],
            "members": _about(figures["members_new"]["value"]),
            "active": figures["members_total"]["value"],
        }
    ]
    if figures["coverage_rate"]["value"] is not None:
        sentences.append(
            _(
                "建会入会集中行动覆盖重点企业、百人以上企业和新就业形态企业%(targets)d家，已建会%(covered)d家，覆盖率%(rate)s%%。"
            )
            % {
                "targets": figures["target_enterprises"]["value"],
                "covered": figures["target_enterprises_covered"]["value"],
                "rate": figures["coverage_rate"]["value"],
            }
        )
    sentences.append(
        _(
            "全年开展宣讲会和专题学习会%(lectures)d场、各类工会活动%(activities)d场，参加%(attendees)d人次；发放福利%(welfare)d人次。"
        )
        % {
            "lectures": figures["lectures"]["value"],
            "activities": figures["activities"]["value"],
            "attendees": figures["activity_attendees"]["value"],
            "welfare": figures["welfare_recipients"]["value"],
        }
    )
    return sentences
