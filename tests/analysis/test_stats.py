"""The statistics against independent computations: Python's ``statistics`` and textbook formulas."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from cnngrader.analysis.stats import (
    MIN_STUDENTS,
    correlation,
    cronbach_alpha,
    discrimination,
    mean,
    median,
    variance,
)


def scores(n: int, seed: int, top: int = 4) -> list[float]:
    rng = random.Random(seed)
    return [float(rng.randint(0, top)) for _ in range(n)]


@pytest.mark.parametrize("n", [1, 2, 7, 30, 1000])
def test_mean_median_and_variance_agree_with_the_statistics_module(n: int) -> None:
    xs = scores(n, seed=n, top=40)
    assert mean(xs) == pytest.approx(statistics.fmean(xs))
    assert median(xs) == statistics.median(xs)
    assert variance(xs) == pytest.approx(statistics.pvariance(xs))


@pytest.mark.parametrize("seed", range(5))
def test_correlation_agrees_with_the_statistics_module(seed: int) -> None:
    xs, ys = scores(50, seed), scores(50, seed + 100)
    ys = [x + y for x, y in zip(xs, ys, strict=True)]  # correlated, not perfectly
    assert correlation(xs, ys) == pytest.approx(statistics.correlation(xs, ys))


def test_correlation_of_a_constant_list_is_undefined() -> None:
    assert correlation([1.0] * 5, [1.0, 2.0, 3.0, 4.0, 5.0]) is None
    assert correlation([1.0, 2.0, 3.0], [7.0] * 3) is None


def point_biserial(item: list[float], rest: list[float]) -> float:
    """The textbook formula: (M1 - M0) / s * sqrt(p q), s the population SD of the rest."""
    right = [r for x, r in zip(item, rest, strict=True) if x == 1]
    wrong = [r for x, r in zip(item, rest, strict=True) if x == 0]
    p = len(right) / len(item)
    return (
        (statistics.fmean(right) - statistics.fmean(wrong)) / statistics.pstdev(rest) * math.sqrt(p * (1 - p))
    )


@pytest.mark.parametrize("seed", range(5))
def test_discrimination_of_a_right_or_wrong_item_is_the_point_biserial_against_the_rest(seed: int) -> None:
    rng = random.Random(seed)
    others = [scores(40, seed * 10 + k, top=1) for k in range(6)]
    rest = [math.fsum(col) for col in zip(*others, strict=True)]
    item = [float(rng.random() < (r + 1) / 8) for r in rest]  # more likely right with a higher rest
    totals = [x + r for x, r in zip(item, rest, strict=True)]
    found = discrimination(item, totals)
    assert found.value == pytest.approx(point_biserial(item, rest))
    assert found.value == pytest.approx(statistics.correlation(item, rest))


def test_a_reversed_item_misleads_by_exactly_as_much() -> None:
    others = [scores(30, k, top=1) for k in range(5)]
    rest = [math.fsum(col) for col in zip(*others, strict=True)]
    item = [float(r >= 3) for r in rest]
    flipped = [1 - x for x in item]
    up = discrimination(item, [x + r for x, r in zip(item, rest, strict=True)]).value
    down = discrimination(flipped, [x + r for x, r in zip(flipped, rest, strict=True)]).value
    assert up is not None and down is not None and up > 0
    assert down == pytest.approx(-up)


def test_discrimination_says_why_there_is_none() -> None:
    few = discrimination([1.0, 0.0] * 4, [3.0, 1.0] * 4)
    assert few.value is None and few.why == f"too few students (8; it needs at least {MIN_STUDENTS})"
    same = discrimination([1.0] * 12, [float(k) for k in range(12)])
    assert same.value is None and "every student scored the same (1)" in same.why
    flat_rest = discrimination([1.0, 0.0] * 6, [3.0, 2.0] * 6)  # the rest is 2 for everyone
    assert flat_rest.value is None and "rest of the assignment" in flat_rest.why


def test_cronbach_alpha_is_kr20_for_right_or_wrong_items() -> None:
    rng = random.Random(3)
    ability = [rng.gauss(0, 1) for _ in range(60)]
    items = [
        [float(rng.random() < 1 / (1 + math.exp(b - a))) for a in ability] for b in (-1, -0.5, 0, 0.5, 1)
    ]
    totals = [math.fsum(col) for col in zip(*items, strict=True)]
    k = len(items)
    pq = math.fsum(statistics.fmean(i) * (1 - statistics.fmean(i)) for i in items)
    kr20 = k / (k - 1) * (1 - pq / statistics.pvariance(totals))
    assert cronbach_alpha(items).value == pytest.approx(kr20)


def test_cronbach_alpha_says_why_there_is_none() -> None:
    assert cronbach_alpha([[1.0] * 20]).why == "it needs at least two questions"
    assert "too few students (3" in cronbach_alpha([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]).why
    assert cronbach_alpha([[1.0, 0.0] * 6, [0.0, 1.0] * 6]).why == "every student has the same total"
