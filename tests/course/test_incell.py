"""The in-kernel path on a tiny hidden suite: score, feedback on stdout, nothing on stderr."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from coursekit import write_course

from cnngrader.course.incell import feedback, grade_question
from cnngrader.errors import CourseError
from cnngrader.results import Outcome, QuestionResult, TestResult

# quiz6/q3 is worth 1 point; this stand-in suite splits it in two halves.
SUITE = '''
    """PYTEST_DONT_REWRITE: the outer pytest would rewrite these asserts; the kernel never does."""

    import os
    import sys
    import warnings

    import pytest

    pytestmark = pytest.mark.question("q3")


    @pytest.mark.points(0.5)
    def test_form(sub):
        """q3 is a number"""
        value = sub.value("q3")
        assert isinstance(value, (int, float)), f"q3 should be a number, found {type(value).__name__}"


    @pytest.mark.points(0.5)
    def test_value(sub, seed):
        """biases are counted"""
        # Noise from everywhere a student's code or torch could write: all of it must vanish.
        warnings.warn("a warning", UserWarning)
        print("student print")
        print("student complaint", file=sys.stderr)
        os.write(2, b"C-level warning\\n")
        assert sub.value("q3") == 80 + seed, "count one bias per kernel too"
'''


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_course(tmp_path, assignment="quiz6", questions={"q3": 1.0}, tests={"test_q3.py": SUITE})
    notebook_dir = tmp_path / "autograded" / "alice" / "quiz6"
    notebook_dir.mkdir(parents=True)
    monkeypatch.chdir(notebook_dir)  # where nbgrader runs a submission
    monkeypatch.delenv("CNNGRADER_COURSE", raising=False)
    monkeypatch.setenv("CNNGRADER_SEED", "4")
    return tmp_path


@pytest.mark.parametrize(("answer", "score"), [(84, 1.0), (84.0, 1.0), (81, 0.5), ("84", 0.0)])
def test_score_is_the_sum_of_passed_tests(course: Path, answer: object, score: float) -> None:
    assert grade_question("quiz6", "q3", {"q3": answer}) == score


def test_only_feedback_reaches_stdout(course: Path, capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.WarningsRecorder() as record:
        grade_question("quiz6", "q3", {"q3": 81})
    out, err = capfd.readouterr()
    assert err == ""
    assert len(record) == 0
    assert "student" not in out
    assert out.splitlines() == [
        "q3: 0.5 / 1 points",
        "  [passed] q3 is a number (0.5/0.5)",
        "  [FAILED] biases are counted (0/0.5): count one bias per kernel too",
    ]


def test_a_missing_answer_is_not_attempted(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert grade_question("quiz6", "q3", {}) == 0.0
    assert "[not attempted]" in capsys.readouterr().out


def test_missing_hidden_tests_are_a_course_error(course: Path) -> None:
    write_course(course, assignment="quiz6", questions={"q3": 1.0, "q4": 1.0}, tests={})
    with pytest.raises(CourseError, match=r"quiz6\.ipynb: the grade cell 'q4' has no hidden test"):
        grade_question("quiz6", "q4", {"q4": (1, 1, 96, 96)})


def test_an_uncollectable_suite_is_a_course_error(course: Path) -> None:
    (course / "autograder" / "quiz6" / "test_q3.py").write_text("import no_such_module\n")
    with pytest.raises(CourseError, match="no hidden test"):
        grade_question("quiz6", "q3", {"q3": 84})


def test_feedback_never_exceeds_the_points() -> None:
    # nbgrader refuses a partial score above the cell's points, so the clamp is part of the contract.
    result = QuestionResult("q1", 1.0, 1.0, (TestResult("right letter", 1.0, 1.0, Outcome.PASSED),))
    assert feedback(result) == "q1: 1 / 1 points\n  [passed] right letter (1/1)"


def test_the_environment_is_restored(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x")
    # (the nested pytest run clears PYTEST_CURRENT_TEST, which a kernel never has)
    before = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    grade_question("quiz6", "q3", {"q3": 84})
    assert {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"} == before
