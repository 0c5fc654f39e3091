"""A real judge grading the lab's solution: its unchanged demo cells are not run, and a demo cell
that a student changed, or whose picture a later cell uses, runs and counts as it would in Jupyter.
Its unchanged public checks run after the hidden tests, and only those of questions that lost
points: their failures are reported as before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from cnngrader.confine import CellStatus
from cnngrader.course import Course
from cnngrader.judge.check import Graded, Judge
from cnngrader.read.demos import CHECK_WHY, WHY
from cnngrader.results import FAILING_CHECK

REPO = Path(__file__).resolve().parents[2]
SOLUTION = REPO / "solutions" / "lab6.ipynb"
ANSWER_CELL = "conv2d_single_answer"
BROKEN = "def conv2d_single(image, kernel, stride=1, padding=0):\n    return image * 0\n"


@pytest.fixture(scope="module")
def judge() -> Iterator[Judge]:
    with Judge(course=Course.open(REPO), assignments=("lab6",)) as judge:
        yield judge


def _demo_indexes(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if "demo" in c.metadata.get("tags", [])]


def _check_indexes(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if "check" in c.metadata.get("tags", [])]


def _cell(nb: nbformat.NotebookNode, grade_id: str) -> int:
    return next(
        i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def _grade(judge: Judge, tmp_path: Path, nb: nbformat.NotebookNode) -> Graded:
    path = tmp_path / "lab6.ipynb"
    nbformat.write(nb, path)
    return judge.grade(path=path, assignment="lab6", seed=3)


def _status(graded: Graded) -> dict[int, CellStatus]:
    return {c.index: c.status for c in graded.cells}


def _score(graded: Graded, question: str) -> float:
    return next(q.score for q in graded.result.questions if q.id == question)


def test_unchanged_demo_cells_are_not_run(judge, tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    demos = _demo_indexes(nb)
    graded = _grade(judge, tmp_path, nb)
    assert len(demos) >= 2
    assert graded.result.score == graded.result.max_score
    skipped = {c.index: c.evalue for c in graded.cells if c.status is CellStatus.SKIPPED}
    assert {i: why for i, why in skipped.items() if i in demos} == dict.fromkeys(demos, WHY)
    assert not graded.result.errors


def test_public_checks_of_questions_with_all_their_points_are_not_run(judge, tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    checks = _check_indexes(nb)
    graded = _grade(judge, tmp_path, nb)
    skipped = {c.index: c.evalue for c in graded.cells if c.status is CellStatus.SKIPPED}
    assert len(checks) >= 6 and skipped == {
        **dict.fromkeys(_demo_indexes(nb), WHY),
        **dict.fromkeys(checks, CHECK_WHY),
    }
    assert graded.result.score == graded.result.max_score and not graded.result.errors


def test_the_check_of_a_question_that_lost_points_runs_after_the_tests_and_says_why(judge, tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells[_cell(nb, ANSWER_CELL)].source = BROKEN
    graded = _grade(judge, tmp_path, nb)
    check = _cell(nb, "conv2d_single_check")
    status = _status(graded)
    assert _score(graded, "conv2d_single") < 6
    assert status[check] is CellStatus.ERROR
    assert (
        [e for e in graded.result.errors if e.startswith(FAILING_CHECK)]
        == [e for e in graded.result.errors if e.startswith(f"{FAILING_CHECK} {check + 1} fails: ")]
        != []
    )
    others = [i for i in _check_indexes(nb) if i != check]
    assert all(status[i] is CellStatus.SKIPPED for i in others), "the checks of full questions still wait"


def test_a_check_the_student_changed_or_whose_names_a_later_cell_reads_runs_in_order(judge, tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    changed, read = _cell(nb, "conv2d_single_check"), _cell(nb, "cnn_check")
    nb.cells[changed].source += "\nprint('checked again')"
    nb.cells.append(nbformat.v4.new_code_cell("print(type(model).__name__)"))  # the CNN check's model
    graded = _grade(judge, tmp_path, nb)
    reports = {c.index: c for c in graded.cells}
    assert reports[changed].status is CellStatus.OK and reports[changed].stdout.endswith("checked again\n")
    assert reports[read].status is CellStatus.OK
    assert reports[len(nb.cells) - 1].stdout == "CNN\n"
    assert graded.result.score == graded.result.max_score and not graded.result.errors


def test_a_demo_cell_the_student_changed_runs_with_their_work_in_it(judge, tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ANSWER_CELL)
    right = answer.source
    answer.source = BROKEN
    first_demo = nb.cells[_demo_indexes(nb)[0]]
    first_demo.source += "\n\n# fixed here, while looking at the photo\n" + right
    graded = _grade(judge, tmp_path, nb)
    assert _status(graded)[_demo_indexes(nb)[0]] is CellStatus.OK
    assert _score(graded, "conv2d_single") == 6, "the changed demo cell ran, so its conv2d_single is graded"


def test_a_demo_cell_whose_names_a_later_cell_reads_runs(judge, tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("brightest = float(photo.max())\nprint(brightest)"))
    graded = _grade(judge, tmp_path, nb)
    status = _status(graded)
    photo_cell = _demo_indexes(nb)[0]
    assert status[photo_cell] is CellStatus.OK
    assert status[len(nb.cells) - 1] is CellStatus.OK
    assert not graded.result.errors
    later_demos = [i for i in _demo_indexes(nb) if i != photo_cell]
    assert all(status[i] is CellStatus.SKIPPED for i in later_demos), "what nothing reads is still skipped"
