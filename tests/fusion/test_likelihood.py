"""Likelihood arithmetic against values computed by hand (fractions written out in each test)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basewatch.fusion.likelihood import Item, assess_items, icd203, leading, sensitivity

PRIOR = {"drawdown": 0.1, "build-up": 0.1, "rotation": 0.1, "no-change": 0.7}


def item(i: str, group: str, d: float, b: float, r: float, weight: float = 1.0) -> Item:
    return Item(i, "movements", group, i, (("drawdown", d), ("build-up", b), ("rotation", r)), weight, "sensor")


def test_one_item_by_hand() -> None:
    # odds x7: drawdown 1*8, build-up 1*8, rotation 1*4, no change 7 -> total 27
    p = assess_items(PRIOR, [item("E1", "g", 8, 8, 4)], cap=10)
    assert p["drawdown"] == pytest.approx(8 / 27)
    assert p["rotation"] == pytest.approx(4 / 27)
    assert p["no-change"] == pytest.approx(7 / 27)


def test_two_independent_groups_multiply() -> None:
    # drawdown 8*3 = 24, build-up 8*0.5 = 4, rotation 4*0.3 = 1.2, no change 7 -> total 36.2
    p = assess_items(PRIOR, [item("E1", "a", 8, 8, 4), item("E2", "b", 3, 0.5, 0.3)], cap=10)
    assert p["drawdown"] == pytest.approx(24 / 36.2)
    assert leading(p) == ("drawdown", pytest.approx(24 / 36.2))


def test_discount_is_an_exponent() -> None:
    # 4 ** 0.5 = 2: drawdown 2, build-up 1, rotation 1, no change 7 -> total 11
    p = assess_items(PRIOR, [item("E1", "a", 4, 1, 1, weight=0.5)], cap=10)
    assert p["drawdown"] == pytest.approx(2 / 11)


def test_cap_limits_a_group() -> None:
    # 1000 capped to 10 and 0.0001 to 1/10: drawdown 10, build-up 0.1, rotation 1, no change 7 -> 18.1
    p = assess_items(PRIOR, [item("E1", "a", 1000, 0.0001, 1)], cap=10)
    assert p["drawdown"] == pytest.approx(10 / 18.1)
    assert p["build-up"] == pytest.approx(0.1 / 18.1)


def test_a_group_counts_once_through_its_strongest_item() -> None:
    one = assess_items(PRIOR, [item("E1", "story", 4, 0.5, 1)], cap=10)
    many = assess_items(PRIOR, [item(f"E{i}", "story", 4, 0.5, 1) for i in range(1, 6)], cap=10)
    assert many == pytest.approx(one)
    weaker_added = assess_items(PRIOR, [item("E1", "story", 4, 0.5, 1), item("E2", "story", 2, 1, 1)], cap=10)
    assert weaker_added == pytest.approx(one)


def test_a_contradicting_item_lowers_the_likelihood() -> None:
    base = assess_items(PRIOR, [item("E1", "a", 4, 0.5, 1)], cap=10)["drawdown"]
    lower = assess_items(PRIOR, [item("E1", "a", 4, 0.5, 1), item("E2", "b", 0.25, 2, 1)], cap=10)["drawdown"]
    # by hand: 4 * 0.25 = 1 -> drawdown 1, build-up 1, rotation 1, no change 7: 0.1
    assert lower == pytest.approx(0.1)
    assert lower < base == pytest.approx(4 / (4 + 0.5 + 1 + 7))


@pytest.mark.parametrize(("p", "words", "band"), [
    (0.02, "almost no chance", (1, 5)), (0.10, "very unlikely", (5, 20)), (0.30, "unlikely", (20, 45)),
    (0.50, "roughly even chance", (45, 55)), (0.70, "likely", (55, 80)), (0.90, "very likely", (80, 95)),
    (0.97, "almost certain", (95, 99)),
])
def test_icd203_bands(p: float, words: str, band: tuple[int, int]) -> None:
    assert icd203(p) == (words, band)


def test_sensitivity_removes_one_group_at_a_time() -> None:
    items = [item("E1", "a", 8, 8, 4), item("E2", "b", 3, 0.5, 0.3)]
    out = {s.item_id: s for s in sensitivity(PRIOR, items, 10, "drawdown")}
    # without E2: 8/27 (unlikely); without E1: drawdown 3, build-up 0.5, rotation 0.3, no change 7 -> 3/10.8
    assert out["E2"].probability == pytest.approx(8 / 27)
    assert out["E2"].words == "unlikely"
    assert out["E1"].probability == pytest.approx(3 / 10.8)
    assert math.isclose(sum(assess_items(PRIOR, items, 10).values()), 1.0)

RATIO = st.floats(min_value=0.01, max_value=100, allow_nan=False)
ITEMS = st.lists(st.tuples(st.sampled_from("abc"), RATIO, RATIO, RATIO, st.floats(min_value=0.05, max_value=1)),
                 max_size=6)


def build(spec: list[tuple[str, float, float, float, float]]) -> list[Item]:
    return [item(f"E{i}", g, d, b, r, w) for i, (g, d, b, r, w) in enumerate(spec, start=1)]


@given(ITEMS)
def test_probabilities_sum_to_one_and_stay_within_the_caps(spec: list[tuple[str, float, float, float, float]]) -> None:
    p = assess_items(PRIOR, build(spec), cap=10)
    assert math.isclose(sum(p.values()), 1.0)
    groups = len({g for g, *_ in spec})
    # no group moves the odds of drawdown against no change by more than the cap
    odds = p["drawdown"] / p["no-change"]
    assert (0.1 / 0.7) * 10 ** -groups * (1 - 1e-9) <= odds <= (0.1 / 0.7) * 10 ** groups * (1 + 1e-9)


@given(ITEMS, RATIO)
def test_a_neutral_group_changes_nothing_and_more_support_never_lowers(
        spec: list[tuple[str, float, float, float, float]], extra: float) -> None:
    items = build(spec)
    base = assess_items(PRIOR, items, cap=10)
    neutral = assess_items(PRIOR, [*items, item("E99", "neutral", 1, 1, 1)], cap=10)
    assert neutral == pytest.approx(base)
    more = assess_items(PRIOR, [*items, item("E99", "new", max(extra, 1.0), 1, 1)], cap=10)
    assert more["drawdown"] >= base["drawdown"] * (1 - 1e-9)
