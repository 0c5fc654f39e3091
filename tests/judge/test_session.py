"""The hidden-suite seam: collected once, rerun per submission, outcomes and points per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from coursekit import write_course

from cnngrader.course import Course
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


BOOM = """
import pytest
pytestmark = pytest.mark.question("q2")

@pytest.mark.points(1)
def test_boom(sub):
    {}['missing']
"""
QUESTIONS = {"q1": 1.0, "q2": 1.0, "q3": 1.0}
NO_TEST = (
    "import pytest\npytestmark = pytest.mark.question('q3')\n\n"
    "@pytest.mark.points(1)\ndef test_never(sub):\n    pass\n"
)


@pytest.fixture
def course(tmp_path: Path) -> Course:
    tests = {"test_q1.py": TOY, "test_q2.py": BOOM, "test_q3.py": NO_TEST}
    return write_course(tmp_path, assignment="toy", questions=QUESTIONS, tests=tests)


@pytest.fixture
def suite(course: Course):
    s = HiddenSuite(course=course, assignment="toy")
    yield s
    s.close()


def outcomes(questions, qid: str) -> list[str]:
    return [t.outcome.value for t in next(q for q in questions if q.id == qid).tests]


def test_every_question_appears_in_notebook_order(suite: HiddenSuite) -> None:
    questions = suite.run(LocalSubmission({"q1": " c "}), seed=1)
    assert [q.id for q in questions] == list(QUESTIONS)
    assert questions[0].score == 1.0 and questions[0].max_score == 1.0
    assert questions[1].score == 0.0 and questions[2].score == 1.0


def test_outcomes_points_and_messages(suite: HiddenSuite) -> None:
    q1 = suite.run(LocalSubmission({"q1": "B"}), seed=1)[0]
    assert [t.outcome for t in q1.tests] == [Outcome.PASSED, Outcome.FAILED, Outcome.PASSED, Outcome.PASSED]
    assert q1.score == 0.75
    assert q1.tests[1].message == "that is not the option that holds"
    assert q1.tests[0].name == "q1 is a string" and q1.tests[1].name == "right"


def test_failures_are_not_formatted_by_pytest(suite: HiddenSuite, monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest's traceback of a failing test (tens of ms each, from parsing the test's source) is
    never read: results come from the exception itself, so it is not made at all."""
    from _pytest import nodes

    formatted: list[object] = []
    monkeypatch.setattr(nodes.Node, "_repr_failure_py", lambda self, *a, **k: formatted.append(self))
    questions = suite.run(LocalSubmission({"q1": "B"}), seed=1)
    assert outcomes(questions, "q1") == ["passed", "failed", "passed", "passed"]
    assert outcomes(questions, "q2") == ["error"] and not formatted


def test_reruns_do_not_leak_between_submissions(suite: HiddenSuite) -> None:
    assert outcomes(suite.run(LocalSubmission({}), seed=1), "q1") == ["not_attempted"] * 4
    assert outcomes(suite.run(LocalSubmission({"q1": "slow"}), seed=1), "q1")[2] == "timeout"
    assert suite.run(LocalSubmission({"q1": "C"}), seed=2)[0].score == 1.0


def test_the_suite_keeps_nothing_of_a_graded_submission(suite: HiddenSuite) -> None:
    """Not the submission, nor the frames of its failed tests (their models can be large)."""
    import gc
    import weakref

    class Answers(dict):  # a dict that can be weakly referenced
        pass

    answers = Answers({"q1": "B"})  # a failing test, and a hidden test that raises
    seen = weakref.ref(answers)
    suite.run(LocalSubmission(answers), seed=1)
    del answers
    gc.collect()
    assert seen() is None


def test_a_bug_in_a_hidden_test_is_an_error_without_traceback(suite: HiddenSuite) -> None:
    q2 = suite.run(LocalSubmission({"q1": "C"}), seed=1)[1]
    assert q2.tests[0].outcome is Outcome.ERROR
    assert q2.tests[0].message == "KeyError: 'missing'"


def test_run_once_agrees_with_the_persistent_suite(course: Course, suite: HiddenSuite) -> None:
    paths = sorted(course.tests_dir("toy").glob("test_*.py"))
    for ns in ({"q1": "C"}, {"q1": "A"}, {}):
        spec = course.assignment("toy")
        once = run_once(paths=paths, assignment=spec, submission=LocalSubmission(ns), seed=5)
        assert once == suite.run(LocalSubmission(ns), seed=5)


def test_a_suite_that_cannot_be_collected_is_a_course_error(course: Course) -> None:
    # Valid syntax, so the course reads its markers, but importing it fails.
    (course.tests_dir("toy") / "test_q3.py").write_text(NO_TEST + "import no_such_module_anywhere\n")
    with pytest.raises(CourseError, match="could not be collected"):
        HiddenSuite(course=course, assignment="toy")


def test_points_that_only_collection_can_count_are_checked_then(course: Course) -> None:
    computed = "import pytest\nN = 2\npytestmark = pytest.mark.question('q3')\n\n@pytest.mark.points(1)\n" \
               "@pytest.mark.parametrize('i', list(range(N)))\ndef test_twice(sub, i):\n    pass\n"
    (course.tests_dir("toy") / "test_q3.py").write_text(computed)
    with pytest.raises(CourseError, match="worth 2 points, but its grade cell gives 1"):
        HiddenSuite(course=Course.open(course.root), assignment="toy")


def test_missing_suite_folder_is_a_course_error(course: Course) -> None:
    import shutil

    shutil.rmtree(course.tests_dir("toy"))
    with pytest.raises(CourseError, match="no hidden tests"):
        HiddenSuite(course=Course.open(course.root), assignment="toy")
