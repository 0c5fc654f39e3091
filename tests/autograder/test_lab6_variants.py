"""lab6's question 7 per student, on the trusted path: each student's own number scores, a
neighbour's does not, and the reference solution computes every student's number."""

from __future__ import annotations

from itertools import pairwise

import nbformat
import pytest
from graded import COURSE_ROOT, Graded, namespace
from lab6_code import LAB6

from cnngrader.course import Course
from cnngrader.course.students import ENV_VAR
from cnngrader.course.variants import variant_for
from cnngrader.judge.local import LocalSubmission
from cnngrader.judge.session import HiddenSuite

COURSE = Course.open(COURSE_ROOT)
STUDENTS = [f"s{3_000_000 + 104_729 * n}" for n in range(12)]


def answer(student: str | None) -> str:
    (question,) = variant_for(course=COURSE, assignment="lab6", student=student).questions
    return question.answer


def question7(graded: Graded) -> float:
    return graded.question("linear_in_features").score


def test_own_answers_score_and_a_neighbours_do_not(lab6_suite: HiddenSuite) -> None:
    for student, neighbour in pairwise([*STUDENTS, STUDENTS[0]]):
        for typed, points in ((answer(student), 2), (answer(neighbour), 0.5)):
            ns = namespace(LAB6, f"linear_in_features = {typed}")
            graded = Graded.of(lab6_suite.run(LocalSubmission(ns), seed=0, student=student))
            assert question7(graded) == points, (student, typed, graded.messages("linear_in_features"))
            others = sum(q.score for q in graded.questions if q.id != "linear_in_features")
            assert others == 38, graded.failures()  # the other questions are the same for everyone


def test_the_solution_computes_every_students_number(
    lab6_suite: HiddenSuite, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = nbformat.read(COURSE_ROOT / "solutions" / "lab6.ipynb", as_version=4)
    cells = [
        c.source
        for c in nb.cells
        if c.cell_type == "code"
        and ("setup" in c.metadata.get("tags", []) or c.metadata.get("nbgrader", {}).get("solution"))
    ]
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    for student in [*STUDENTS[:6], "ada"]:
        monkeypatch.setenv(ENV_VAR, student)
        graded = Graded.of(lab6_suite.run(LocalSubmission(namespace(*cells)), seed=0, student=student))
        assert question7(graded) == 2, (student, graded.messages("linear_in_features"))
