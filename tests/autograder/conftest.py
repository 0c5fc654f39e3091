"""Hidden suites collected once per test session, and a grader of student code given as source text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from graded import COURSE_ROOT, Grade, Graded, namespace
from lab6_code import LAB6, QUIZ6

from cnngrader.contract import LAB6 as LAB6_CONTRACT
from cnngrader.contract import QUIZ6 as QUIZ6_CONTRACT
from cnngrader.contract import Assignment
from cnngrader.judge.local import LocalSubmission
from cnngrader.judge.session import HiddenSuite


def _suite(assignment: Assignment) -> Iterator[HiddenSuite]:
    # One intra-op thread, as a judge with one worker per core runs: OpenMP's spinning threads
    # otherwise cost several times the CPU time on a small, busy machine.
    torch.set_num_threads(1)
    suite = HiddenSuite(course_root=COURSE_ROOT, assignment=assignment)
    yield suite
    suite.close()


@pytest.fixture(scope="session")
def lab6_suite() -> Iterator[HiddenSuite]:
    yield from _suite(LAB6_CONTRACT)


@pytest.fixture(scope="session")
def quiz6_suite() -> Iterator[HiddenSuite]:
    yield from _suite(QUIZ6_CONTRACT)


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
