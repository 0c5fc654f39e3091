"""A cnngrader Result as Otter's results, and those as Gradescope's results.json (Otter's own code)."""

from __future__ import annotations

import dill
from otter.run import AutograderConfig
from otter.test_files import GradingResults

from cnngrader.confine import IsolationLevel
from cnngrader.otter.grade import NOT_GRADED
from cnngrader.otter.verdict import PLUGIN_DATA_KEY, apply_verdict, verdict_results
from cnngrader.results import Outcome, QuestionResult, Result, TestResult

CONFIG = {"show_hidden": True, "force_public_test_summary": False}


def result() -> Result:
    cnn = QuestionResult(
        "cnn", 6.5, 8.0,
        (
            TestResult("output shape", 1.0, 1.0, Outcome.PASSED),
            TestResult("padding", 0.0, 2.0, Outcome.FAILED, "step 4: expected padding 1, found padding 0"),
            TestResult("parameters", 5.5, 5.0 + 1.0, Outcome.FAILED, "partly right"),
        ),
    )  # fmt: skip
    quiz = QuestionResult(
        "q1", 0.0, 1.0, (TestResult("the letter", 0.0, 1.0, Outcome.NOT_ATTEMPTED, "stub"),)
    )
    errors = ("cell 4 raised ValueError: x",)
    return Result("lab6", "lab6.ipynb", 6.5, 9.0, IsolationLevel.SECCOMP, (cnn, quiz), errors)


def test_gradescope_gets_cnngraders_scores_partial_credit_included() -> None:
    out = verdict_results(result()).to_gradescope_dict(AutograderConfig(CONFIG))
    assert [(t["name"], t["score"], t["max_score"]) for t in out["tests"]] == [
        ("cnn", 6.5, 8.0),
        ("q1", 0.0, 1.0),
    ]
    assert {t["visibility"] for t in out["tests"]} == {"after_published"}
    cnn = out["tests"][0]["output"]
    assert "padding result:\n        failed (0/2): step 4: expected padding 1, found padding 0" in cnn
    assert "output shape result:\n        passed (1/1)" in cnn
    assert "not attempted (0/1): stub" in out["tests"][1]["output"]
    assert out["output"].startswith(
        "Graded by cnngrader's confined engine: 6.5 / 9 points (isolation: seccomp)."
    )
    assert "  - cell 4 raised ValueError: x" in out["output"]


def test_hidden_results_stay_hidden_when_the_instructor_says_so() -> None:
    out = verdict_results(result()).to_gradescope_dict(AutograderConfig({"show_hidden": False}))
    assert {t["visibility"] for t in out["tests"] if "score" in t} == {"hidden"}


def test_it_replaces_what_otters_kernel_found_even_a_failure() -> None:
    results = GradingResults.without_results(RuntimeError("the kernel died"))
    apply_verdict(results, result())
    assert (results.total, results.possible) == (6.5, 9.0)
    assert results.get_plugin_data(PLUGIN_DATA_KEY) == result().to_dict()
    again = dill.loads(dill.dumps(results))  # Otter keeps results.pkl
    assert (again.total, again.possible) == (6.5, 9.0)


def test_a_question_without_tests_keeps_its_points_and_says_why() -> None:
    unread = Result("quiz6", "x", 0.0, 1.0, NOT_GRADED, (QuestionResult("q1", 0.0, 1.0),), ("x is not JSON",))
    out = verdict_results(unread).to_gradescope_dict(AutograderConfig(CONFIG))
    assert (out["tests"][0]["score"], out["tests"][0]["max_score"]) == (0.0, 1.0)
    assert "not graded: x is not JSON" in out["tests"][0]["output"]
    assert out["output"].startswith("Graded by cnngrader: 0 / 1 points (no code of the submission ran).")


def test_where_students_have_their_own_questions_it_says_whose_were_graded() -> None:
    asked = QuestionResult("q3", 0.0, 1.0, prompt="How many parameters does nn.Conv2d(7, 45, 5) have?")
    said = {"s1234567": "student 's1234567'", None: "the canonical variant (no student id)"}
    for student, whose in said.items():
        graded = Result("quiz6", "quiz6.ipynb", 0.0, 1.0, IsolationLevel.SECCOMP, (asked,), student=student)
        out = verdict_results(graded).to_gradescope_dict(AutograderConfig(CONFIG))
        assert out["output"].splitlines()[1] == f"Graded with the questions of {whose}."
    same_for_all = verdict_results(result()).to_gradescope_dict(AutograderConfig(CONFIG))
    assert "questions of" not in same_for_all["output"]
