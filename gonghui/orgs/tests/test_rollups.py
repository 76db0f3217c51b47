"""The coverage roll-up equals the raw computation whatever the sequence of enterprises registered,
changed (category, area, union, founding date), unions founded and dissolved; a rebuild gives the
rows the services kept; the KPIs read them in one query."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gonghui.core import registry
from gonghui.demo.fake import Faker
from gonghui.members.tests.factories import SETUP
from gonghui.orgs.charts import coverage_by_category
from gonghui.orgs.models import Enterprise, EnterpriseMonth, Organisation
from gonghui.orgs.services import (
    enterprise_create,
    enterprise_update,
    organisation_create,
    organisation_dissolve,
)
from gonghui.orgs.tests.raw import raw_coverage, raw_coverage_by_category

coverage = registry.kpis["orgs.coverage"].compute

fake = Faker(seed=12)
YEARS = range(2020, 2026)
START = date(2019, 1, 1)

operation = st.tuples(
    st.sampled_from(
        ["enterprise"] * 3 + ["headcount", "key", "union", "area", "founded", "found", "dissolve"]
    ),
    st.integers(0, 7),  # an enterprise (the n-th from the last), an area
    st.integers(0, 7),  # a union
    st.integers(0, 2500),  # days after 1 January 2019
    st.booleans(),
)


def rows(model) -> set:
    """The non-zero rows (a change undone leaves a row of zeros behind, a rebuild none)."""
    fields = [f.attname for f in model._meta.fields if f.name != "id"]
    return {r for r in model.objects.values_list(*fields) if any(r[2:])}


def org(code, kind, parent, on=date(2015, 1, 1)):
    return organisation_create(code=code, name=code, kind=kind, parent=parent, established_on=on, by=SETUP)


def tree():
    city = org("CITY", Organisation.Kind.CITY_FEDERATION, None)
    zone = org("ZONE", Organisation.Kind.ZONE_FEDERATION, city)
    zone2 = org("ZONE2", Organisation.Kind.ZONE_FEDERATION, city)
    unions = [
        org("U0", Organisation.Kind.ENTERPRISE_UNION, zone),
        org("U1", Organisation.Kind.ENTERPRISE_UNION, zone2, on=date(2021, 6, 1)),
        org("UC", Organisation.Kind.JOINT_UNION, city),
    ]
    return [city, zone, zone2], unions


def register(area, union, *, founded_on, headcount=150, **flags) -> Enterprise:
    return enterprise_create(
        name="测试企业",
        credit_code=fake.credit_code(),
        headcount=headcount,
        founded_on=founded_on,
        federation=area,
        union=union,
        by=SETUP,
        **flags,
    )


def check(organisations):
    for root in organisations:
        root.refresh_from_db()
        for year in YEARS:
            assert coverage(root, year) == raw_coverage(root, year), (root.code, year)
            bars = [values for _name, values in coverage_by_category(root, year).series]
            assert bars == raw_coverage_by_category(root, year), (root.code, year)


class RollupsEqualTheRawFigures(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=8, max_size=30))
    def test_random_histories(self, operations):
        areas, unions = tree()
        for kind, which, where, days, flag in operations:
            day = START + timedelta(days=days)
            enterprises = list(Enterprise.objects.order_by("pk"))
            enterprise = enterprises[-1 - which % len(enterprises)] if enterprises else None
            union = unions[where % len(unions)]
            union.refresh_from_db()
            try:
                if kind == "enterprise":
                    register(
                        areas[which % 3],
                        union if flag else None,
                        founded_on=None if where == 7 else day,
                        headcount=50 + 30 * where,
                        is_key=which == 1,
                        is_new_employment_form=which == 2,
                    )
                elif kind == "headcount" and enterprise:
                    enterprise_update(enterprise=enterprise, headcount=60 + 20 * where, by=SETUP)
                elif kind == "key" and enterprise:
                    enterprise_update(enterprise=enterprise, is_key=flag, by=SETUP)
                elif kind == "union" and enterprise:
                    enterprise_update(enterprise=enterprise, union=union if flag else None, by=SETUP)
                elif kind == "area" and enterprise:
                    enterprise_update(enterprise=enterprise, federation=areas[where % 3], by=SETUP)
                elif kind == "founded" and enterprise:
                    enterprise_update(enterprise=enterprise, founded_on=day if flag else None, by=SETUP)
                elif kind == "found":
                    parent = areas[1 + where % 2] if flag else areas[0]
                    unions.append(org(f"N{len(unions)}", Organisation.Kind.ENTERPRISE_UNION, parent, on=day))
                elif kind == "dissolve" and union.dissolved_on is None:
                    organisation_dissolve(organisation=union, on=max(day, union.established_on), by=SETUP)
            except ValidationError:
                pass  # a move the services refuse (a dissolved union…)
        check(areas + unions)
        kept = rows(EnterpriseMonth)
        call_command("rollups_rebuild", stdout=StringIO())
        assert rows(EnterpriseMonth) == kept


@pytest.fixture
def world(db):
    return tree()


def test_an_enterprise_union_dissolved_mid_year(world):
    (city, zone, _zone2), (u0, *_) = world
    register(zone, u0, founded_on=date(2010, 3, 1))
    register(zone, None, founded_on=date(2010, 3, 1))
    organisation_dissolve(organisation=u0, on=date(2023, 6, 30), by=SETUP)
    for root in (city, zone, u0):
        figures = coverage(root, 2023)
        assert figures["target_enterprises_covered"] == {"value": 0, "previous": 1}
    assert coverage(zone, 2023)["target_enterprises"] == {"value": 2, "previous": 2}
    assert coverage(zone, 2022)["coverage_rate"] == {"value": 50.0, "previous": 50.0}
    assert coverage(u0, 2023)["target_enterprises"] == {"value": 1, "previous": 1}  # its former union's


def test_founded_after_its_union_and_without_a_date(world):
    (city, zone, zone2), (u0, u1, uc) = world
    register(zone, u0, founded_on=date(2024, 2, 1))  # a target, and covered, from 2024
    register(zone2, u1, founded_on=None)  # a target in every year, covered from its union's founding (2021)
    register(city, None, founded_on=None, headcount=20)  # not a target: small, neither key nor new form
    assert coverage(city, 2024)["target_enterprises"] == {"value": 2, "previous": 1}
    assert coverage(city, 2024)["target_enterprises_covered"] == {"value": 2, "previous": 1}
    assert coverage(zone2, 2020)["target_enterprises_covered"] == {"value": 0, "previous": 0}
    assert coverage(zone2, 2021)["target_enterprises_covered"] == {"value": 1, "previous": 0}
    check([city, zone, zone2, u0, u1, uc])


def test_an_enterprise_counts_once_where_its_area_and_union_meet(world):
    (city, zone, zone2), (u0, _u1, uc) = world
    enterprise = register(zone2, u0, founded_on=date(2010, 1, 1))  # area in one zone, union in the other
    assert coverage(zone, 2024)["target_enterprises"]["value"] == 1
    assert coverage(zone2, 2024)["target_enterprises"]["value"] == 1
    assert coverage(city, 2024)["target_enterprises"]["value"] == 1
    enterprise_update(enterprise=enterprise, union=uc, headcount=40, is_key=True, by=SETUP)
    assert coverage(zone, 2024)["target_enterprises"]["value"] == 0
    assert coverage(city, 2024)["target_enterprises_covered"]["value"] == 1
    enterprise_update(enterprise=enterprise, is_key=False, by=SETUP)  # no longer a target
    assert coverage(city, 2024)["target_enterprises"] == {"value": 0, "previous": 0}
    assert not rows(EnterpriseMonth)


@pytest.mark.parametrize("enterprises", [1, 20])
def test_one_query_whatever_the_size(world, enterprises, django_assert_num_queries):
    (city, zone, _zone2), (u0, *_) = world
    for i in range(enterprises):
        register(zone, u0 if i % 2 else None, founded_on=None if i % 3 else date(2000 + i, 1, 1))
    with django_assert_num_queries(1):
        figures = coverage(city, 2024)
    assert figures["target_enterprises"]["value"] == enterprises
    with django_assert_num_queries(1):
        chart = coverage_by_category(city, 2024)
    assert chart.series[0][1] == [0, enterprises, 0]  # 150 workers each, neither key nor new form


def test_the_admin_keeps_the_roll_ups(world):
    (city, zone, _zone2), (u0, *_) = world
    site = admin.site
    enterprise = Enterprise(
        name="后台企业",
        credit_code=fake.credit_code(),
        headcount=300,
        founded_on=None,
        federation=zone,
        union=u0,
    )
    site._registry[Enterprise].save_model(None, enterprise, None, change=False)
    assert coverage(city, 2024)["target_enterprises_covered"]["value"] == 1
    u0.dissolved_on = date(2024, 3, 1)
    site._registry[Organisation].save_model(None, u0, None, change=True)
    assert coverage(city, 2024)["target_enterprises_covered"] == {"value": 0, "previous": 1}
    check([city, zone, u0])
    kept = rows(EnterpriseMonth)
    call_command("rollups_rebuild", stdout=StringIO())
    assert rows(EnterpriseMonth) == kept
