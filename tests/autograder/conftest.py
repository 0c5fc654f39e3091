"""Hidden suites collected once per test session, and a grader of student code given as source text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from graded import COURSE_ROOT, Grade, Graded, namespace
from lab6_code import LAB6, QUIZ6

from cnngrader.course import Course
from cnngrader.judge.local import LocalSubmission
from cnngrader.judge.session import HiddenSuite


def _suite(assignment: str) -> Iterator[HiddenSuite]:
    # One intra-op thread, as a judge with one worker per core runs: OpenMP's spinning threads
    # otherwise cost several times the CPU time on a small, busy machine.
    torch.set_num_threads(1)
    suite = HiddenSuite(course=Course.open(COURSE_ROOT), assignment=assignment)
    yield suite
    suite.close()


@pytest.fixture(scope="session")
def lab6_suite() -> Iterator[HiddenSuite]:
    yield from _suite("lab6")


@pytest.fixture(scope="session")
def quiz6_suite() -> Iterator[HiddenSuite]:
    yield from _suite("quiz6")


@pytest.fixture
def grade_lab6(lab6_suite: HiddenSuite) -> Grade:
    """Grade the lab6 reference solution with these cells run after it (``base=False``: alone)."""

    def grade(*variants: str, seed: int = 0, base: bool = True) -> Graded:
        ns = namespace(*((LAB6,) if base else ()), *variants)
        return Graded.of(lab6_suite.run(LocalSubmission(ns), seed=seed))

    return grade


@pytest.fixture
def grade_quiz6(quiz6_suite: HiddenSuite) -> Grade:
    """Grade the quiz6 answers with these cells run after the right ones (``base=False``: alone)."""

    def grade(*variants: str, seed: int = 0, base: bool = True) -> Graded:
        ns = namespace(*((QUIZ6,) if base else ()), *variants)
        return Graded.of(quiz6_suite.run(LocalSubmission(ns), seed=seed))

    return grade
