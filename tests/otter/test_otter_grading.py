"""Real ``otter run`` on Otter's zip gives what ``cnngrader check`` gives, submission by submission."""

from __future__ import annotations

import pytest
from conftest import Graded
from otterkit import otter_questions, otter_total, question_scores
from submissions import STUDENT, WRONG

pytestmark = pytest.mark.slow  # real otter assign, otter run and a Jupyter kernel

SUBMISSIONS = [(a, name) for a in ("lab6", "quiz6") for name in ("right", "wrong", "half", "blank")]
ODDITIES = [("quiz6", "empty")]
OWN_NUMBERS = [("quiz6", name) for name in ("stated", "unstated", "stated_solutions")]


@pytest.mark.parametrize(("assignment", "name"), SUBMISSIONS + ODDITIES + OWN_NUMBERS)
def test_otter_run_gives_the_total_and_question_scores_of_cnngrader_check(
    graded: dict[tuple[str, str], Graded], assignment: str, name: str
) -> None:
    sub = graded[assignment, name]
    assert sub.check is not None
    assert otter_total(sub.otter) == pytest.approx(sub.check["score"])
    assert otter_questions(sub.otter) == pytest.approx(question_scores(sub.check))
    assert sum(t["max_score"] for t in sub.otter["tests"]) == pytest.approx(sub.check["max_score"])


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_right_answers_score_full_marks_blank_scores_0_and_mistakes_cost_points(
    graded: dict[tuple[str, str], Graded], assignment: str
) -> None:
    total = {
        name: otter_total(graded[assignment, name].otter) for name in ("right", "wrong", "half", "blank")
    }
    assert total["right"] == graded[assignment, "right"].check["max_score"]  # type: ignore[index]
    assert total["blank"] == 0
    assert 0 < total["wrong"] < total["right"]
    assert 0 < total["half"] < total["right"]


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_each_mistake_costs_points_on_its_own_question_only(
    graded: dict[tuple[str, str], Graded], assignment: str
) -> None:
    """A mistake that the graded variant did not see as one would hide behind the others' lost points."""
    check = graded[assignment, "wrong"].check
    assert check is not None
    ids = [q["id"] for q in check["questions"]]  # one answer cell per question, in course order
    lost = {q["id"] for q in check["questions"] if q["score"] < q["max_score"]}
    assert lost == {ids[k] for k in WRONG[assignment]}, check["questions"]


def test_a_student_who_states_their_id_in_the_otter_notebook_is_graded_for_it(
    graded: dict[tuple[str, str], Graded],
) -> None:
    """Their own answers (``cnngrader variant``) score full marks with the id stated, not without it."""
    stated, unstated = graded["quiz6", "stated"], graded["quiz6", "unstated"]
    assert stated.check is not None and unstated.check is not None
    assert otter_total(stated.otter) == stated.check["max_score"] == 10
    assert (stated.check["student"], unstated.check["student"]) == (STUDENT, None)
    assert f"Graded with the questions of student {STUDENT!r}." in stated.otter["output"]
    assert otter_total(unstated.otter) < 10
    assert "Graded with the questions of the canonical variant (no student id)." in unstated.otter["output"]


def test_the_otter_notebooks_setup_cells_draw_the_stated_students_numbers(
    graded: dict[tuple[str, str], Graded],
) -> None:
    """The solutions compute from ``MINE``: full marks only if the notebook drew the stated id's numbers."""
    sub = graded["quiz6", "stated_solutions"]
    assert sub.check is not None and sub.check["student"] == STUDENT
    assert otter_total(sub.otter) == 10 and sub.check["errors"] == []


def test_the_wrong_lab_deleted_otters_cells_and_still_grades(graded: dict[tuple[str, str], Graded]) -> None:
    """Its otter run and cnngrader check agree (above): Otter's cells are not what is graded."""
    notebook = graded["lab6", "wrong"].notebook.read_text()
    assert "grader.check(" not in notebook and "grader.export(" not in notebook


def test_cnngrader_check_reads_otter_notebooks_without_tripping_on_otter_cells(
    graded: dict[tuple[str, str], Graded],
) -> None:
    for assignment in ("lab6", "quiz6"):
        check = graded[assignment, "right"].check
        assert check is not None and check["errors"] == [], check["errors"]


def test_results_json_holds_the_verdict_with_its_isolation_and_hidden_test_messages(
    graded: dict[tuple[str, str], Graded],
) -> None:
    sub = graded["lab6", "wrong"]
    assert sub.check is not None
    isolation = sub.check["isolation"]
    assert f"isolation: {isolation}" in sub.otter["output"]
    assert [t["name"] for t in sub.otter["tests"]] == [q["id"] for q in sub.check["questions"]]
    assert {t["visibility"] for t in sub.otter["tests"]} == {"after_published"}  # hidden until published
    cnn = next(t for t in sub.otter["tests"] if t["name"] == "cnn")
    for test in next(q for q in sub.check["questions"] if q["id"] == "cnn")["tests"]:
        assert test["name"] in cnn["output"]
        assert test["message"] in cnn["output"]


def test_a_submission_that_attacks_otter_gets_the_verdict_of_its_answers(
    graded: dict[tuple[str, str], Graded],
) -> None:
    """A patched ``pickle.dump``, a fake ``otter`` package, a pickled .OTTER_LOG: stock Otter says 10/10."""
    results = graded["quiz6", "hostile"].otter
    assert "pwned" not in results["output"]
    assert otter_total(results) == 0
    assert results["output"].startswith("Graded by cnngrader's confined engine: 0 / 10 points")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not_a_notebook", "quiz6.ipynb is not a notebook"),
        ("two_notebooks", "submit exactly one notebook; found quiz6-copy.ipynb, quiz6.ipynb"),
        ("no_notebook", "no notebook (.ipynb) in the submission; found answers.txt"),
    ],
)
def test_on_gradescope_a_submission_otter_cannot_open_still_gets_a_result(
    graded: dict[tuple[str, str], Graded], name: str, reason: str
) -> None:
    results = graded["quiz6", name].otter
    assert otter_total(results) == 0
    assert sum(t["max_score"] for t in results["tests"]) == 10
    assert reason in results["output"]
    assert "no code of the submission ran" in results["output"] or name == "not_a_notebook"
    assert "cnngrader graded the submission directly" in results["output"]
