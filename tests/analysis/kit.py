"""Records made by hand for the analysis tests, and synthetic courses of any size.

A record here is what ``cnngrader grade`` writes, built from a few words: per question either a
score (one test worth the question's points) or a list of tests, and optionally the answers.
"""

from __future__ import annotations

import math
import random
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cnngrader.analysis.sources import Item
from cnngrader.batch.state import Record, Status, write_record
from cnngrader.confine import IsolationLevel
from cnngrader.course import Course
from cnngrader.results import Outcome, QuestionResult, Result, TestResult

BUBBLEWRAP = IsolationLevel.BUBBLEWRAP

REPO = Path(__file__).resolve().parents[2]

Tests = Sequence[tuple[str, float, float, Outcome, str]]  # name, score, max_score, outcome, message


def items(points: Mapping[str, float]) -> tuple[Item, ...]:
    return tuple(Item(q, float(p), (q,)) for q, p in points.items())


def test_result(name: str, score: float, max_score: float, outcome: Outcome, message: str = "") -> TestResult:
    return TestResult(name, float(score), float(max_score), outcome, message)


test_result.__test__ = False  # type: ignore[attr-defined]


def record(
    student: str,
    questions: Mapping[str, float | Tests],
    *,
    points: Mapping[str, float] | None = None,
    answers: Mapping[str, Any] | None = None,
    errors: Sequence[str] = (),
    status: Status = Status.GRADED,
    assignment: str = "quiz6",
) -> Record:
    """A record; a bare score stands for one test that passed (full points) or failed (else)."""
    results = []
    for qid, spec in questions.items():
        top = float((points or {}).get(qid, 1.0))
        if isinstance(spec, (int, float)):
            outcome = Outcome.PASSED if spec >= top else Outcome.FAILED
            tests = (test_result(f"{qid}: the answer", spec, top, outcome, "" if spec >= top else "wrong"),)
        else:
            tests = tuple(test_result(*t) for t in spec)
        results.append(QuestionResult(qid, round(sum(t.score for t in tests), 6), top, tests))
    score = round(sum(q.score for q in results), 6)
    kept = dict(answers) if answers is not None else None
    result = Result(assignment, f"{student}.ipynb", score, sum(q.max_score for q in results), BUBBLEWRAP,
                    tuple(results), tuple(errors), 1, answers=kept)  # fmt: skip
    return Record(student, "key", 1, "sha", (), "cnngrader test", result, status=status,
                  graded_at="2026-11-27T12:00:00+00:00")  # fmt: skip


def right_wrong(scores: Sequence[Sequence[int]], names: Sequence[str] | None = None) -> list[Record]:
    """``scores[s][i]`` in {0, 1}: student s on question q{i+1}."""
    out = []
    for s, row in enumerate(scores):
        questions = {f"q{i + 1}": float(x) for i, x in enumerate(row)}
        out.append(record(names[s] if names else f"s{s:04d}", questions))
    return out


# --- a synthetic course -------------------------------------------------------------------------

QUIZ_POINTS = {f"q{i}": 1.0 for i in range(1, 11)}
CHOICES = {"q1": ("C", "ABC"), "q10": ("B", "ABCD")}
MULTI = {"q2": ({"C"}, "ABCDE")}
VALUES = {"q3": (84, (81, 0, 87)), "q4": ([1, 1, 96, 96], ([1, 1, 95, 95],)), "q5": (25, (26, 50)),
          "q6": ([26, 26], ([25, 25], [76, 76])), "q7": ([8, 3, 5, 5], ([3, 8, 5, 5],)),
          "q8": ([[7, 9], [8, 4]], ([[7, 8], [9, 4]],)), "q9": (20001, (20000, 20087))}  # fmt: skip


def synthetic_quiz(n: int, seed: int = 0) -> list[Record]:
    """``n`` students of quiz6 whose chance of a right answer grows with an ability (a 1PL model)."""
    rng = random.Random(seed)
    hardness = {q: rng.uniform(-2.0, 1.0) for q in QUIZ_POINTS}
    out = []
    for s in range(n):
        ability = rng.gauss(0.0, 1.0)
        questions: dict[str, float | Tests] = {}
        answers: dict[str, Any] = {}
        for q in QUIZ_POINTS:
            right = rng.random() < 1 / (1 + math.exp(hardness[q] - ability))
            answers[q], message = _answer(rng, q, right)
            outcome = Outcome.PASSED if right else Outcome.FAILED
            questions[q] = [(f"{q}: the answer", float(right), 1.0, outcome, message)]
        out.append(record(f"s{s:04d}", questions, answers=answers))
    return out


def _answer(rng: random.Random, q: str, right: bool) -> tuple[Any, str]:
    if q in CHOICES:
        key, options = CHOICES[q]
        letter = key if right else rng.choice([o for o in options if o != key])
        return letter, "" if right else f"{q} = {letter!r} is not the right answer"
    if q in MULTI:
        key_set, options = MULTI[q]
        chosen = sorted(key_set) if right else sorted(set(key_set) | {rng.choice("ABDE")})
        return chosen, "" if right else f"{q} = {chosen} is not the right selection"
    key, wrong = VALUES[q]
    value = key if right else rng.choice(wrong)
    return value, "" if right else f"{q} = {value} is not the right answer. Hint: count again"


def write_course(root: Path, records: Sequence[Record], assignment: str = "quiz6") -> Path:
    """A course folder holding these records (and the submission folders they belong to)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    for folder in ("source", "autograder"):  # the assignment as the course defines it
        shutil.copytree(REPO / folder / assignment, root / folder / assignment, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for r in records:
        folder = root / "submitted" / r.student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.ipynb").write_text("{}")
    course = Course.open(root)
    for r in records:
        write_record(course.record_path(r.student, assignment), r)
    return root
