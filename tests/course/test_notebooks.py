"""The notebooks against the contract: grade ids, points, cell roles, and the hidden-test call."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from matplotlib import cbook

from cnngrader.course import Course
from cnngrader.course.authoring import derive
from cnngrader.course.cells import GradeCell, grade_cells, nbgrader_meta, solution_ids
from cnngrader.course.fill import fill_answers

from .conftest import REPO, release_nb, solution_nb, source_nb

COURSE = Course.open(Path(__file__).resolve().parents[2])
ASSIGNMENTS = {a: COURSE.assignment(a) for a in COURSE.assignment_ids()}

BOTH = pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))


def contract_cells(assignment: str) -> list[GradeCell]:
    return [GradeCell(q.id, float(q.points)) for q in ASSIGNMENTS[assignment].questions]


@BOTH
def test_grade_ids_and_points_are_the_contracts(assignment: str) -> None:
    for nb in (source_nb(assignment), release_nb(assignment), solution_nb(assignment)):
        assert grade_cells(nb) == contract_cells(assignment)
    total = sum(c.points for c in grade_cells(source_nb(assignment)))
    assert total == ASSIGNMENTS[assignment].max_score == {"lab6": 40, "quiz6": 10}[assignment]


@BOTH
def test_one_answer_cell_per_question_just_before_its_graded_cell(assignment: str) -> None:
    nb = source_nb(assignment)
    assert solution_ids(nb) == [f"{q.id}_answer" for q in ASSIGNMENTS[assignment].questions]
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
    for q in ASSIGNMENTS[assignment].questions:
        answer_at, graded_at = ids.index(f"{q.id}_answer"), ids.index(q.id)
        between = nb.cells[answer_at + 1 : graded_at]
        # at most the public checks sit between an answer and its grade: never a graded cell
        assert 0 <= graded_at - answer_at <= 2
        assert all(is_read_only(c) and "check" in c.metadata.get("tags", []) for c in between)
        assert nb.cells[answer_at - 1].cell_type == "markdown", f"{q.id}: a prompt comes first"


def is_read_only(cell: Any) -> bool:
    """An nbgrader read-only cell: locked, neither graded nor an answer (nbgrader's LockCells)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("locked")) and not meta.get("grade") and not meta.get("solution")


@BOTH
def test_public_checks_are_read_only_cells(assignment: str) -> None:
    checks = [c for c in source_nb(assignment).cells if "check" in c.metadata.get("tags", [])]
    assert checks
    for cell in checks:
        assert is_read_only(cell) and nbgrader_meta(cell)["grade_id"], cell.source[:60]
    for cell in release_nb(assignment).cells:  # nbgrader made them undeletable and uneditable
        if "check" in cell.metadata.get("tags", []):
            assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False


@BOTH
def test_cells_are_locked_where_nbgrader_needs_it(assignment: str) -> None:
    for cell in source_nb(assignment).cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            assert meta["locked"] and not meta["solution"] and cell.cell_type == "code"
        elif meta.get("solution"):
            assert not meta["locked"] and "### BEGIN SOLUTION" in cell.source
        else:
            assert "### BEGIN" not in cell.source, "a region outside an nbgrader cell would not be cleared"


def hidden_part(source: str) -> str:
    lines = source.splitlines()
    return "\n".join(lines[lines.index("### BEGIN HIDDEN TESTS") + 1 : lines.index("### END HIDDEN TESTS")])


@BOTH
def test_each_graded_cell_returns_its_hidden_score(assignment: str) -> None:
    for cell in source_nb(assignment).cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade"):
            continue
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0].strip()
        assert visible.startswith("#") and "\n" not in visible, "only a comment is visible"
        assert f"({meta['points']:g} point" in visible
        tree = ast.parse(hidden_part(cell.source))
        last = tree.body[-1]
        # nbgrader reads the cell's execute_result as partial credit: the call must be the last expression
        assert isinstance(last, ast.Expr) and ast.unparse(last) == (
            f"grade_question('{assignment}', '{meta['grade_id']}', globals())"
        )


@BOTH
def test_released_graded_cells_show_only_their_comment(assignment: str) -> None:
    for cell in release_nb(assignment).cells:
        if nbgrader_meta(cell).get("grade"):
            assert cell.source.startswith("# Hidden tests grade this question") and "\n" not in cell.source


@BOTH
def test_every_code_cell_has_a_role(assignment: str) -> None:
    for cell in source_nb(assignment).cells:
        if cell.cell_type == "code" and not nbgrader_meta(cell):
            assert cell.metadata.get("tags") in (["setup"], ["check"], ["demo"]), cell.source[:60]


def test_lab_prompts_state_the_points() -> None:
    nb = source_nb("lab6")
    for q in ASSIGNMENTS["lab6"].questions:
        prompts = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
        names = [re.compile(rf"`[^`]*\b{name}\b") for name in q.names]
        assert any(f"({q.points:g} points)" in p and all(n.search(p) for n in names) for p in prompts), q.id


def test_the_lab_defines_exactly_the_contracts_names(lab6_solution: dict[str, Any]) -> None:
    for q in ASSIGNMENTS["lab6"].questions:
        for name in q.names:
            assert name in lab6_solution, f"{q.id}: {name} is not defined by the answer cells"


def test_the_photograph_ships_with_matplotlib() -> None:
    assert Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).is_file()
    assert "grace_hopper.jpg" in "".join(c.source for c in release_nb("lab6").cells)


@BOTH
def test_the_release_build_has_nothing_left_to_add_to_the_sources(assignment: str) -> None:
    nb = source_nb(assignment)
    assert derive(nb, assignment) == [], "run `cnngrader release <id>` and commit what it added"


@BOTH
def test_solutions_are_the_release_with_the_reference_answers(assignment: str) -> None:
    expected = nbformat.writes(fill_answers(release_nb(assignment), source_nb(assignment))) + "\n"
    assert (REPO / "solutions" / f"{assignment}.ipynb").read_text() == expected, (
        f"run `cnngrader release {assignment}`"
    )
