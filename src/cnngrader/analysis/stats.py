"""Classical test statistics as pure functions of score lists: no files, no records.

Discrimination is the corrected item-total correlation: Pearson's r between the scores on one
question and each student's total on the *other* questions (the rest score), so an item is not
correlated with itself. For a right-or-wrong question it is the point-biserial correlation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_STUDENTS = 10  # below this, a correlation says more about chance than about the question
ROUGH_BELOW = 30  # below this, a correlation is shown but called rough


@dataclass(frozen=True)
class Statistic:
    """A number, or the reason in words why there is none."""

    value: float | None
    why: str = ""

    @classmethod
    def none(cls, why: str) -> Statistic:
        return cls(None, why)


def mean(xs: Sequence[float]) -> float:
    if not xs:
        raise ValueError("the mean of no scores")
    return math.fsum(xs) / len(xs)


def variance(xs: Sequence[float]) -> float:
    """The population variance (divided by n): these students are the whole group of interest."""
    m = mean(xs)
    return math.fsum((x - m) ** 2 for x in xs) / len(xs)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when either list does not vary (r is undefined there)."""
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} scores against {len(ys)}")
    mx, my = mean(xs), mean(ys)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0 or not _varies(xs) or not _varies(ys):
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def discrimination(item: Sequence[float], totals: Sequence[float]) -> Statistic:
    """Corrected item-total correlation of one question (``totals`` include the question)."""
    n = len(item)
    if n < MIN_STUDENTS:
        return Statistic.none(f"too few students ({n}; it needs at least {MIN_STUDENTS})")
    if not _varies(item):
        return Statistic.none(f"every student scored the same ({_num(item[0])}), so it separates no one")
    rest = [t - x for x, t in zip(item, totals, strict=True)]
    r = correlation(item, rest)
    if r is None:
        return Statistic.none("the rest of the assignment gave every student the same score")
    return Statistic(r)


def cronbach_alpha(items: Sequence[Sequence[float]]) -> Statistic:
    """Internal consistency of the whole assignment; ``items[i]`` are all students' scores on item i."""
    k = len(items)
    if k < 2:
        return Statistic.none("it needs at least two questions")
    n = len(items[0])
    if n < MIN_STUDENTS:
        return Statistic.none(f"too few students ({n}; it needs at least {MIN_STUDENTS})")
    totals = [math.fsum(scores) for scores in zip(*items, strict=True)]
    if not _varies(totals):
        return Statistic.none("every student has the same total")
    return Statistic(k / (k - 1) * (1 - math.fsum(variance(s) for s in items) / variance(totals)))


def median(xs: Sequence[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def _varies(xs: Sequence[float]) -> bool:
    return any(x != xs[0] for x in xs)


def _num(x: float) -> str:
    return f"{x:g}"
