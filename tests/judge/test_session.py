"""The hidden-suite seam: collected once, rerun per submission, outcomes and points per test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cnngrader.contract import QUIZ6
from cnngrader.errors import CourseError
from cnngrader.judge.local import LocalSubmission
from cnngrader.judge.session import HiddenSuite, run_once
from cnngrader.results import Outcome

TOY = '''
import pytest
import torch
from cnngrader.testing import StudentTimeout

pytestmark = pytest.mark.question("q1")

@pytest.mark.points(0.25)
def test_defined(sub):
    """q1 is a string"""
    assert isinstance(sub.value("q1"), str), "q1 should be a string such as 'A'"

@pytest.mark.points(0.25)
def test_right(sub):
    assert sub.value("q1").strip().upper() == "C", "that is not the option that holds"

@pytest.mark.points(0.25)
def test_slow(sub):
    if sub.value("q1") == "slow":
        raise StudentTimeout("q1 took too long")

@pytest.mark.points(0.25)
def test_seeded(sub, rng, seed):
    """draws from rng"""
    x = torch.rand(3, generator=rng)
    assert sub.value("q1") is not None and seed >= 0 and x.shape == (3,), "never fails for honest input"
'''


@pytest.fixture
def course(tmp_path: Path) -> Path:
    suite = tmp_path / "autograder" / "quiz6"
    suite.mkdir(parents=True)
    (suite / "test_q1.py").write_text(textwrap.dedent(TOY))
    (suite / "test_q2.py").write_text("def test_boom(sub):\n    {}['missing']\n")
    return tmp_path


@pytest.fixture
def suite(course: Path):
    s = HiddenSuite(course_root=course, assignment=QUIZ6)
    yield s
    s.close()


def outcomes(questions, qid: str) -> list[str]:
    return [t.outcome.value for t in next(q for q in questions if q.id == qid).tests]


def test_every_question_appears_in_contract_order(suite: HiddenSuite) -> None:
    questions = suite.run(LocalSubmission({"q1": " c "}), seed=1)
    assert [q.id for q in questions] == [q.id for q in QUIZ6.questions]
    assert questions[0].score == 1.0 and questions[0].max_score == 1.0
    assert questions[2].tests == () and questions[2].score == 0.0


def test_outcomes_points_and_messages(suite: HiddenSuite) -> None:
    q1 = suite.run(LocalSubmission({"q1": "B"}), seed=1)[0]
    assert [t.outcome for t in q1.tests] == [Outcome.PASSED, Outcome.FAILED, Outcome.PASSED, Outcome.PASSED]
    assert q1.score == 0.75
    assert q1.tests[1].message == "that is not the option that holds"
    assert q1.tests[0].name == "q1 is a string" and q1.tests[1].name == "right"


def test_reruns_do_not_leak_between_submissions(suite: HiddenSuite) -> None:
    assert outcomes(suite.run(LocalSubmission({}), seed=1), "q1") == ["not_attempted"] * 4
    assert outcomes(suite.run(LocalSubmission({"q1": "slow"}), seed=1), "q1")[2] == "timeout"
    assert suite.run(LocalSubmission({"q1": "C"}), seed=2)[0].score == 1.0


def test_a_bug_in_a_hidden_test_is_an_error_without_traceback(suite: HiddenSuite) -> None:
    q2 = suite.run(LocalSubmission({"q1": "C"}), seed=1)[1]
    assert q2.tests[0].outcome is Outcome.ERROR
    assert q2.tests[0].message == "KeyError: 'missing'"


def test_run_once_agrees_with_the_persistent_suite(course: Path, suite: HiddenSuite) -> None:
    paths = sorted((course / "autograder" / "quiz6").glob("test_*.py"))
    for ns in ({"q1": "C"}, {"q1": "A"}, {}):
        once = run_once(paths=paths, assignment=QUIZ6, submission=LocalSubmission(ns), seed=5)
        assert once == suite.run(LocalSubmission(ns), seed=5)


def test_a_suite_that_cannot_be_collected_is_a_course_error(tmp_path: Path) -> None:
    folder = tmp_path / "autograder" / "quiz6"
    folder.mkdir(parents=True)
    (folder / "test_q1.py").write_text("def broken(:\n")
    with pytest.raises(CourseError, match="could not be collected"):
        HiddenSuite(course_root=tmp_path, assignment=QUIZ6)


def test_missing_suite_folder_is_a_course_error(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="no hidden tests"):
        HiddenSuite(course_root=tmp_path, assignment=QUIZ6)
