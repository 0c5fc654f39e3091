"""quiz6 for a course of many students, on the trusted path (the hidden suite, collected once):
each student's own answers score full marks, a neighbour's do not pay, and the reference solution
computes every student's answers.

The answers are those ``cnngrader variant`` prints (the course's hook), typed as literals.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from itertools import combinations
from typing import Any

import nbformat
import pytest
from graded import COURSE_ROOT, Graded, namespace

from cnngrader.course import Course
from cnngrader.course.students import ENV_VAR
from cnngrader.course.variants import Variant, variant_for
from cnngrader.judge.local import LocalSubmission
from cnngrader.judge.session import HiddenSuite

COURSE = Course.open(COURSE_ROOT)
STUDENTS = [f"s{2_000_000 + 7919 * n}" for n in range(80)]  # ids as a registry hands them out


@pytest.fixture(scope="module")
def variants() -> dict[str, Variant]:
    return {s: variant_for(course=COURSE, assignment="quiz6", student=s) for s in STUDENTS}


def typed(variant: Variant) -> str:
    """The notebook of a student who typed these answers in."""
    return "\n".join(f"{q.id} = {q.answer}" for q in variant.questions)


def grade(suite: HiddenSuite, source: str, student: str) -> Graded:
    return Graded.of(suite.run(LocalSubmission(namespace(source)), seed=0, student=student))


def score(graded: Graded) -> float:
    return sum(q.score for q in graded.questions)


@pytest.fixture(scope="module")
def own(quiz6_suite: HiddenSuite, variants: dict[str, Variant]) -> dict[str, Graded]:
    return {s: grade(quiz6_suite, typed(variants[s]), s) for s in STUDENTS}


@pytest.fixture(scope="module")
def neighbours(quiz6_suite: HiddenSuite, variants: dict[str, Variant]) -> dict[str, Graded]:
    """Each student handing in the answers of the next one on the list."""
    nxt = dict(zip(STUDENTS, STUDENTS[1:] + STUDENTS[:1], strict=True))
    return {s: grade(quiz6_suite, typed(variants[nxt[s]]), s) for s in STUDENTS}


def test_every_students_own_answers_score_full_marks(own: dict[str, Graded]) -> None:
    for student, graded in own.items():
        assert score(graded) == 10, f"{student}:\n{graded.failures()}"


def test_a_neighbours_answers_do_not_pay(neighbours: dict[str, Graded]) -> None:
    scores = [score(g) for g in neighbours.values()]
    print(f"neighbour's answers: mean {statistics.mean(scores):.2f} / 10, max {max(scores):g}")
    assert statistics.mean(scores) <= 4
    assert max(scores) <= 6


def test_the_canonical_answers_do_not_pay_either(quiz6_suite: HiddenSuite) -> None:
    canonical = typed(variant_for(course=COURSE, assignment="quiz6", student=None))
    scores = [score(grade(quiz6_suite, canonical, s)) for s in STUDENTS[:20]]
    assert statistics.mean(scores) <= 4


def same(a: str, b: str) -> bool:
    return namespace(f"x = {a}")["x"] == namespace(f"x = {b}")["x"]


def test_most_pairs_of_students_differ_on_six_items_or_more(variants: dict[str, Variant]) -> None:
    answers = {s: [q.answer for q in variants[s].questions] for s in STUDENTS}
    differing = [
        sum(not same(x, y) for x, y in zip(answers[a], answers[b], strict=True))
        for a, b in combinations(STUDENTS, 2)
    ]
    share = sum(d >= 6 for d in differing) / len(differing)
    print(f"pairs differing on at least 6 of 10 items: {share:.1%}; mean {statistics.mean(differing):.2f}")
    assert share > 0.9


@pytest.fixture
def graded_for(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def set_student(student: str) -> None:
        monkeypatch.setenv(ENV_VAR, student)

    for name in (ENV_VAR, "NBGRADER_EXECUTION", "JUPYTERHUB_USER"):
        monkeypatch.delenv(name, raising=False)
    yield set_student


def solution_cells() -> list[str]:
    nb = nbformat.read(COURSE_ROOT / "solutions" / "quiz6.ipynb", as_version=4)
    return [
        c.source
        for c in nb.cells
        if c.cell_type == "code"
        and ("setup" in c.metadata.get("tags", []) or c.metadata.get("nbgrader", {}).get("solution"))
    ]


def test_the_solution_computes_every_students_answers(quiz6_suite: HiddenSuite, graded_for: Any) -> None:
    """Its cells run as the grader runs them, told whose submission it is."""
    cells = solution_cells()
    for student in [*STUDENTS[:40], "ada", "Zoë"]:
        graded_for(student)
        graded = Graded.of(quiz6_suite.run(LocalSubmission(namespace(*cells)), seed=0, student=student))
        assert score(graded) == 10, f"{student}:\n{graded.failures()}"
    assert os.environ[ENV_VAR] == "Zoë"
