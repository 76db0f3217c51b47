"""The member and union KPIs computed from the raw rows (memberships, organisations): what the
roll-ups must always equal. The tests compare the two; bench/kpis.py does the same in SQL."""

from django.db.models import Count, Q

from gonghui.core.figures import Figures, both_years, split, year_bounds
from gonghui.members.kpis import new_memberships
from gonghui.members.models import Membership, active_on
from gonghui.orgs.kpis import standing_at
from gonghui.orgs.models import Organisation


def members(root: Organisation, year: int) -> Figures:
    aggregates = {
        "members_total": lambda y: Count("person_id", distinct=True, filter=active_on(year_bounds(y)[1])),
        "members_new": lambda y: Count(
            "person_id", distinct=True, filter=Q(pk__in=new_memberships(root, y).values("pk"))
        ),
    }
    row = Membership.objects.filter(union__path__startswith=root.path).aggregate(
        **both_years(aggregates, year)
    )
    return split(row, aggregates)


def unions(root: Organisation, year: int) -> Figures:
    aggregates = {
        "unions_total": lambda y: Count("pk", filter=standing_at("", year_bounds(y)[1])),
        "unions_new": lambda y: Count("pk", filter=Q(established_on__range=year_bounds(y))),
    }
    row = Organisation.objects.subtree(root).grassroots().aggregate(**both_years(aggregates, year))
    return split(row, aggregates)


def raw_figures(root: Organisation, year: int) -> Figures:
    return members(root, year) | unions(root, year)
