"""A real judge grading the lab's solution: its unchanged demo cells are not run, and a demo cell
that a student changed, or whose picture a later cell uses, runs and counts as it would in Jupyter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from cnngrader.confine import CellStatus
from cnngrader.course import Course
from cnngrader.judge.check import Graded, Judge
from cnngrader.read.demos import WHY

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
    assert skipped == dict.fromkeys(demos, WHY)
    assert not graded.result.errors


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
