"""honours_5y: the honours of the five years ending with the report's year, by level and kind."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.figures import Figures
from gonghui.core.registry import Kpi, KpiGroup
from gonghui.honours.models import Award, Level
from gonghui.honours.selectors import five_years
from gonghui.orgs.models import Organisation

KINDS = ("labour_model", "may_day_medal")  # the KPI's kinds are the codes of these titles


def _empty() -> dict:
    return {level: dict.fromkeys(KINDS, 0) for level in Level.values}


def honours(root: Organisation, year: int) -> Figures:
    """honours_5y — one query: each (level, title) counted over both five-year windows."""
    first, last = five_years(year)
    rows = (
        Award.objects.filter(
            organisation__path__startswith=root.path,
            title__code__in=KINDS,
            year__range=(first - 1, last),
        )
        .values("level", "title__code")
        .annotate(
            value=Count("pk", filter=Q(year__range=(first, last))),
            previous=Count("pk", filter=Q(year__range=(first - 1, last - 1))),
        )
    )
    value, previous = _empty(), _empty()
    for row in rows:
        kind = row["title__code"]
        value[row["level"]][kind] = row["value"]
        previous[row["level"]][kind] = row["previous"]
    return {"honours_5y": {"value": value, "previous": previous}}


def sentences(root: Organisation, figures: Figures) -> list[str]:
    v = figures["honours_5y"]["value"]
    return [
        _(
            "近五年共获得全国劳动模范%(nl)d人、全国五一劳动奖章%(nm)d人，省级劳动模范%(pl)d人、省五一劳动奖章%(pm)d人，"
            "市级劳动模范%(cl)d人、市五一劳动奖章%(cm)d人。"
        )
        % {
            "nl": v["national"]["labour_model"],
            "nm": v["national"]["may_day_medal"],
            "pl": v["provincial"]["labour_model"],
            "pm": v["provincial"]["may_day_medal"],
            "cl": v["city"]["labour_model"],
            "cm": v["city"]["may_day_medal"],
        }
    ]


GROUPS = [
    KpiGroup(
        "honours.five_years",
        order=80,
        compute=honours,
        sentences=sentences,
        kpis=(
            Kpi(
                "honours_5y",
                gettext_lazy("近五年劳动模范和五一劳动奖章"),
                gettext_lazy("人"),
                gettext_lazy(
                    "子树内会员或组织在截至当年的五个年度内获得的劳动模范和五一劳动奖章，按全国、省级、市级分列；"
                    "上年数为截至上年的五个年度。"
                ),
                parts=(
                    *((str(v), label) for v, label in Level.choices),
                    ("labour_model", gettext_lazy("劳动模范")),
                    ("may_day_medal", gettext_lazy("五一劳动奖章")),
                ),
            ),
        ),
    ),
]
