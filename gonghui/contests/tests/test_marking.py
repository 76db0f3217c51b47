from decimal import Decimal as D
from types import SimpleNamespace

from gonghui.contests import marking
from gonghui.contests.marking import Entry, award_counts, awards, chain_error, rank

CHAIN = ["part:实操", "time", "part:理论"]
KEYS = ["first", "second", "third", "merit"]


def entry(ref, total, practice=0, seconds=0, theory=0):
    return Entry(ref=ref, total=D(total), parts={"实操": D(practice), "理论": D(theory)}, seconds=seconds)


def places(ranked):
    return [(e.ref, p) for e, p in ranked]


def test_rank_by_total_first():
    ranked = rank([entry("a", 80), entry("b", 95), entry("c", 90)], CHAIN)
    assert places(ranked) == [("b", 1), ("c", 2), ("a", 3)]


def test_the_chain_breaks_ties_in_its_order():
    tied = [
        entry("less practice", 90, practice=80, seconds=100),
        entry("slower", 90, practice=90, seconds=300),
        entry("faster", 90, practice=90, seconds=200),
    ]
    assert places(rank(tied, CHAIN)) == [("faster", 1), ("slower", 2), ("less practice", 3)]


def test_theory_decides_when_practice_and_time_are_equal():
    tied = [entry("a", 90, 90, 200, theory=70), entry("b", 90, 90, 200, theory=80)]
    assert places(rank(tied, CHAIN)) == [("b", 1), ("a", 2)]


def test_still_equal_share_the_place_and_the_next_is_skipped():
    ranked = rank(
        [entry("a", 99), entry("b", 90, 90, 200, 80), entry("c", 90, 90, 200, 80), entry("d", 85)], CHAIN
    )
    assert places(ranked) == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_an_empty_chain_shares_every_equal_total():
    ranked = rank([entry("a", 90, practice=90), entry("b", 90, practice=10), entry("c", 90)], [])
    assert [p for _e, p in ranked] == [1, 1, 1]


def test_everyone_equal_and_nobody():
    assert [p for _e, p in rank([entry(i, 50) for i in range(3)], CHAIN)] == [1, 1, 1]
    assert rank([], CHAIN) == []


def test_less_time_is_better_but_a_higher_part_is_better():
    ranked = rank([entry("slow", 80, 70, 500), entry("quick", 80, 70, 100)], ["time"])
    assert places(ranked) == [("quick", 1), ("slow", 2)]


def test_chain_errors_name_the_bad_step():
    assert chain_error(CHAIN, ["实操", "理论"]) is None
    assert "“part:笔试”" in chain_error(["part:笔试"], ["实操"])
    assert "重复" in chain_error(["time", "time"], [])
    assert "“speed”" in chain_error(["speed"], [])


def test_awards_by_count_with_a_tie_across_a_boundary():
    ranked = [
        (entry("a", 0), 1),
        (entry("b", 0), 2),
        (entry("c", 0), 2),
        (entry("d", 0), 4),
        (entry("e", 0), 5),
    ]
    won = awards(ranked, [1, 1, 1, 1], KEYS)
    # b and c share 2nd: both win the second award; d (4th) is past the third's bound (3)
    assert won == {"a": "first", "b": "second", "c": "second", "d": "merit", "e": ""}


def test_award_counts_by_ratio_round_down():
    assert award_counts("ratio", [D(10), D(20), D(30), D(0)], 25) == [2, 5, 7, 0]
    assert award_counts("count", [D(1), D(2), D(3), D(5)], 3) == [1, 2, 3, 5]


def criterion(kind, max_mark, **kw):
    return SimpleNamespace(kind=kind, max_mark=D(max_mark), name="项", **({"deduction": None} | kw))


def test_marks_of_the_three_kinds():
    all_or_nothing = criterion("measurement", 10)
    assert marking.mark(all_or_nothing, D(0)) == D(10) and marking.mark(all_or_nothing, D(1)) == 0
    deduct = criterion("measurement", 100, deduction=D("2.5"))
    assert marking.mark(deduct, D(4)) == D("90.00") and marking.mark(deduct, D(60)) == 0
    ladder = criterion("judgement", 60)
    assert [marking.mark(ladder, D(level)) for level in range(4)] == [D(0), D(20), D(40), D(60)]
    timed = criterion("time", 30, standard_seconds=300, limit_seconds=600)
    assert [marking.mark(timed, D(s)) for s in (200, 300, 450, 600, 900)] == [
        D(30),
        D(30),
        D("15.00"),
        D(0),
        D(0),
    ]


def test_values_out_of_range_are_named():
    assert "0–3" in marking.value_error(criterion("judgement", 60), D(4))
    assert marking.value_error(criterion("judgement", 60), D("1.5"))
    assert "0（合格）或1" in marking.value_error(criterion("measurement", 10), D(2))
    assert marking.value_error(criterion("measurement", 10, deduction=D(1)), D(-1))
    assert marking.value_error(criterion("time", 30, standard_seconds=1, limit_seconds=2), D(-5))
    assert marking.value_error(criterion("judgement", 60), D(2)) is None


def test_standing_weighs_the_parts_out_of_100():
    theory = [SimpleNamespace(pk=1, max_mark=D(100))]
    practice = [SimpleNamespace(pk=2, max_mark=D(10)), SimpleNamespace(pk=3, max_mark=D(40))]
    parts = [("理论", D(30), theory), ("实操", D(70), practice)]
    result = marking.standing(parts, {1: D(90), 2: D(10), 3: D(30)}, 250, ref="x")
    assert result.parts == {"理论": D("90.00"), "实操": D("80.00")}
    assert result.total == D("83.00") and result.seconds == 250
