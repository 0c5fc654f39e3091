"""Per-question statistics from hand-made records."""

from __future__ import annotations

import statistics

import pytest

from cnngrader.analysis.items import MIN_SPREAD, item_stats, score_matrix, spread, totals
from cnngrader.analysis.stats import discrimination
from cnngrader.batch.state import Status
from cnngrader.results import Outcome

from .kit import items, record, right_wrong

NA, ERR, TO, OK, BAD = Outcome.NOT_ATTEMPTED, Outcome.ERROR, Outcome.TIMEOUT, Outcome.PASSED, Outcome.FAILED


def test_mean_and_difficulty_are_the_per_question_means() -> None:
    spec = items({"a": 4, "b": 2})
    records = [record(s, {"a": a, "b": b}, points={"a": 4, "b": 2}) for s, a, b in
               [("x", 4, 2), ("y", 1, 0), ("z", 2.5, 2)]]  # fmt: skip
    a, b = item_stats(spec, records)
    assert a.mean == pytest.approx(statistics.fmean([4, 1, 2.5]))
    assert a.difficulty == pytest.approx(a.mean / 4)
    assert b.difficulty == pytest.approx(statistics.fmean([2, 0, 2]) / 2)
    assert (a.full, b.full, a.students) == (1, 2, 3)


def test_discrimination_is_against_the_rest_of_the_listed_questions() -> None:
    rows = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0], [0, 1, 1], [1, 1, 1], [0, 0, 1], [1, 0, 1],
            [0, 1, 0], [1, 1, 1], [0, 0, 0], [1, 0, 0]]  # fmt: skip
    spec = items({"q1": 1, "q2": 1, "q3": 1})
    matrix = score_matrix(spec, right_wrong(rows))
    total = totals(matrix)
    first = item_stats(spec, right_wrong(rows))[0]
    assert first.discrimination == discrimination(matrix[0], total)
    rest = [r[1] + r[2] for r in rows]
    assert first.discrimination.value == pytest.approx(statistics.correlation([r[0] for r in rows], rest))


def test_not_attempted_and_errors_count_students() -> None:
    spec = items({"q": 3})
    t = "the test"
    records = [
        record("stub", {"q": [(t, 0, 1, NA, ""), (t + " 2", 0, 2, NA, "")]}, points={"q": 3}),
        record("half", {"q": [(t, 1, 1, OK, ""), (t + " 2", 0, 2, NA, "")]}, points={"q": 3}),
        record("raises", {"q": [(t, 0, 1, ERR, "x"), (t + " 2", 2, 2, OK, "")]}, points={"q": 3}),
        record("slow", {"q": [(t, 0, 1, TO, "x"), (t + " 2", 0, 2, BAD, "y")]}, points={"q": 3}),
        record("unreadable", {"q": []}, points={"q": 3}, errors=["not a notebook"]),
        record("fine", {"q": [(t, 1, 1, OK, ""), (t + " 2", 2, 2, OK, "")]}, points={"q": 3}),
    ]
    (q,) = item_stats(spec, records)
    assert (q.students, q.not_attempted, q.errors, q.full) == (6, 1, 3, 1)


def test_a_question_missing_from_a_record_scores_0_and_counts_as_an_error() -> None:
    spec = items({"q1": 1, "q2": 1})
    records = [record("old", {"q1": 1.0}), record("new", {"q1": 1.0, "q2": 1.0}, status=Status.GRADED)]
    q1, q2 = item_stats(spec, records)
    assert q2.mean == 0.5 and q2.errors == 1 and q1.errors == 0


def test_spread_counts_scores_off_the_most_common_one() -> None:
    assert spread([1, 1, 1, 0]) == 1
    assert spread([4, 4, 2, 0, 4, 3]) == 3
    assert spread([]) == 0


def test_a_verdict_needs_enough_students_off_the_mode() -> None:
    one_wrong = [[1, 1, 1]] * 11 + [[0, 1, 0]] + [[1, 0, 0], [1, 0, 1], [1, 1, 0]]
    q1 = item_stats(items({"q1": 1, "q2": 1, "q3": 1}), right_wrong(one_wrong))[0]
    assert q1.discrimination.value is not None and q1.spread == 1 < MIN_SPREAD
    assert not q1.judged and "r rests on 1 student: too few to judge" in q1.reading
    assert "very easy" in q1.reading


@pytest.mark.parametrize(
    ("flip", "words"),
    [(False, "separates very well"), (True, "misleads: stronger students did worse here")],
)
def test_the_reading_follows_the_guidelines(flip: bool, words: str) -> None:
    rows = [[int(k >= 6), int(k >= 4), int(k >= 8), int(k >= 5)] for k in range(12)]
    if flip:
        rows = [[1 - r[0], *r[1:]] for r in rows]
    q1 = item_stats(items({f"q{i}": 1 for i in range(1, 5)}), right_wrong(rows))[0]
    assert q1.judged and q1.reading == words
