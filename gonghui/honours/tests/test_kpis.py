import pytest

from gonghui.honours import kpis, services
from gonghui.honours.tests.factories import title
from gonghui.members.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_honours_5y_counts_five_years_by_level_and_kind(
    zone, officer, union_a, union_b, django_assert_num_queries
):
    def award(code, level, year, union=union_a):
        services.award_record(
            title=title(code),
            level=level,
            year=year,
            awarding_body="某某",
            organisation=union,
            person=make_member(union).person if title(code).for_person else None,
            by=officer,
        )

    award("labour_model", "national", 2020)
    award("labour_model", "national", 2019)  # only in the previous window
    award("may_day_medal", "city", 2024)  # only in this window
    award("may_day_medal", "city", 2022, union_b)
    award("craftsman", "city", 2022)  # not a kind of the KPI
    award("model_workers_home", "city", 2022)
    with django_assert_num_queries(1):
        figure = kpis.honours(zone, 2024)["honours_5y"]
    assert figure["value"] == {
        "national": {"labour_model": 1, "may_day_medal": 0},
        "provincial": {"labour_model": 0, "may_day_medal": 0},
        "city": {"labour_model": 0, "may_day_medal": 2},
    }
    assert figure["previous"]["national"] == {"labour_model": 2, "may_day_medal": 0}
    assert figure["previous"]["city"] == {"labour_model": 0, "may_day_medal": 1}
    assert kpis.honours(union_b, 2024)["honours_5y"]["value"]["city"]["may_day_medal"] == 1
    (sentence,) = kpis.sentences(zone, {"honours_5y": figure})
    assert "全国劳动模范1人" in sentence and "市五一劳动奖章2人" in sentence
