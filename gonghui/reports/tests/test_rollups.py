"""The roll-ups the KPIs read equal the raw computation, whatever the sequence of joins, transfers,
leaves, rejoins, foundings and dissolutions; and a rebuild gives the rows the services kept."""

from datetime import date, timedelta
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gonghui.core import registry
from gonghui.members.models import MemberMonth, Membership
from gonghui.members.services import member_leave, member_transfer
from gonghui.members.tests.factories import SETUP, make_member, new_id_number
from gonghui.orgs.models import Organisation, UnionMonth
from gonghui.orgs.services import organisation_create, organisation_dissolve
from gonghui.reports.tests.raw import raw_figures

START = date(2021, 1, 1)
NAMES = ["赵一", "钱二", "孙三", "李四", "周五", "吴六"]
YEARS = range(2021, 2025)

operation = st.tuples(
    st.sampled_from(["join"] * 3 + ["transfer"] * 3 + ["leave", "found", "dissolve"]),
    st.integers(0, 5),  # a person
    st.integers(0, 5),  # a union
    st.integers(0, 90),  # days after the previous operation
)


def rows(model) -> set:
    """The non-zero rows (a change undone leaves a row of zeros behind, a rebuild none)."""
    fields = [f.attname for f in model._meta.fields if f.name != "id"]
    return {r for r in model.objects.values_list(*fields) if any(r[2:])}


class RollupsEqualTheRawFigures(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=12, max_size=40))
    def test_random_histories(self, operations):
        def org(code, kind, parent, on=date(2015, 1, 1)):
            return organisation_create(
                code=code, name=code, kind=kind, parent=parent, established_on=on, by=SETUP
            )

        city = org("CITY", Organisation.Kind.CITY_FEDERATION, None)
        zone = org("ZONE", Organisation.Kind.ZONE_FEDERATION, city)
        zone2 = org("ZONE2", Organisation.Kind.ZONE_FEDERATION, city)
        unions_ = [
            org(f"U{i}", Organisation.Kind.ENTERPRISE_UNION, zone if i < 3 else zone2) for i in range(4)
        ]
        unions_.append(org("UCITY", Organisation.Kind.ENTERPRISE_UNION, city))  # directly under the city
        people = [new_id_number() for _ in range(6)]
        day = START
        for kind, who, where, gap in operations:
            day += timedelta(days=gap)
            union = unions_[where % len(unions_)]
            union.refresh_from_db()
            mine = list(Membership.objects.active().filter(person__name=NAMES[who]))
            try:
                if kind == "join" and not mine:
                    make_member(union, name=NAMES[who], id_number=people[who], started_on=day)
                elif kind == "transfer" and mine:
                    member_transfer(membership=mine[0], to_union=union, on=day, by=SETUP)
                elif kind == "leave" and mine:
                    member_leave(membership=mine[0], on=day, by=SETUP)
                elif kind == "found":
                    unions_.append(org(f"N{len(unions_)}", Organisation.Kind.ENTERPRISE_UNION, zone, on=day))
                elif kind == "dissolve" and union.dissolved_on is None:
                    organisation_dissolve(organisation=union, on=day, by=SETUP)
            except ValidationError:
                pass  # a move the services refuse (a union with members, a dissolved union…)
        for root in Organisation.objects.all():
            for year in YEARS:
                figures = registry.figures_of(
                    [registry.kpis["members"], registry.kpis["orgs.unions"]], root, year
                )
                assert figures == raw_figures(root, year), (root.code, year)
        kept = rows(MemberMonth), rows(UnionMonth)
        call_command("rollups_rebuild", stdout=StringIO())
        assert (rows(MemberMonth), rows(UnionMonth)) == kept
