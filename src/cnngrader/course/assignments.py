"""An assignment as the course folder defines it: its notebook, questions, points and names.

An assignment is ``source/<id>/<notebook>.ipynb`` plus ``autograder/<id>/test_*.py``. Its
questions are the notebook's autograded grade cells (grade id = question id, with their points)
and the hidden tests' ``question`` markers; the two must agree, or every command says where they
do not. The names a question defines are those its answer cells bind.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnngrader.course.markers import TestMarkers, read_suite
from cnngrader.errors import CourseError, UsageError

TOLERANCE = 1e-9
MAX_SOURCE_BYTES = 20 * 1024 * 1024
_CALL = re.compile(
    r"""grade_question\(\s*(["'])(?P<assignment>[^"']*)\1\s*,\s*(["'])(?P<question>[^"']*)\3"""
)


@dataclass(frozen=True)
class Question:
    """One autograded question: its nbgrader grade id, its points and the names it defines."""

    id: str
    points: float
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """One assignment: its notebook's file name and its questions, in notebook order."""

    id: str
    notebook: str
    questions: tuple[Question, ...]

    @property
    def max_score(self) -> float:
        return float(sum(q.points for q in self.questions))

    @property
    def notebook_id(self) -> str:
        """nbgrader's name of the notebook: its file name without ``.ipynb``."""
        return self.notebook.removesuffix(".ipynb")

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        known = ", ".join(q.id for q in self.questions)
        raise UsageError(f"assignment {self.id!r} has no question {question_id!r} (its questions: {known})")


@dataclass(frozen=True)
class GradeCell:
    """An autograded cell of the source notebook."""

    grade_id: str
    points: float
    names: tuple[str, ...]
    calls: tuple[tuple[str, str], ...]  # the (assignment, question) of each grade_question call in it


def read_assignment(assignment_id: str, source_dir: Path, tests_dir: Path) -> Assignment:
    """The assignment ``assignment_id`` from its source folder and its hidden tests."""
    notebook = source_notebook(assignment_id, source_dir)
    cells = grade_cells(notebook)
    for cell in cells:
        _check_calls(assignment_id, notebook, cell)
    tests = read_suite(tests_dir)
    if not tests:
        raise CourseError(f"{tests_dir} holds no hidden test (no test_*.py with a test function)")
    questions = tuple(Question(c.grade_id, c.points, c.names) for c in cells)
    reconcile(notebook, questions, tests)
    return Assignment(assignment_id, notebook.name, questions)


def source_notebook(assignment_id: str, source_dir: Path) -> Path:
    if not source_dir.is_dir():
        raise CourseError(f"no assignment {assignment_id!r}: {source_dir} is not a folder")
    notebooks = sorted(p for p in source_dir.glob("*.ipynb") if p.is_file())
    if not notebooks:
        raise CourseError(f"assignment {assignment_id!r} has no notebook: {source_dir} holds no .ipynb")
    if len(notebooks) > 1:
        names = ", ".join(p.name for p in notebooks)
        raise CourseError(
            f"{source_dir} holds {len(notebooks)} notebooks ({names}); cnngrader grades one notebook "
            "per assignment: make each notebook an assignment of its own"
        )
    return notebooks[0]


def grade_cells(path: Path) -> list[GradeCell]:
    """The autograded cells of a source notebook, in order, each with the names answered before it."""
    out = []
    answered: list[str] = []
    for index, cell in enumerate(_cells(path)):
        meta = nbgrader_meta(cell)
        source = cell_source(cell)
        if meta.get("solution") and cell.get("cell_type") == "code":
            answered += bound_names(source)
        if not meta.get("grade") or meta.get("solution"):
            continue  # not graded, or graded by hand (an answer cell with points)
        grade_id = str(meta.get("grade_id") or "").strip()
        if not grade_id:
            raise CourseError(f"{path}: cell {index + 1} is graded but has no grade_id")
        points = meta.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            raise CourseError(f"{path}: the grade cell {grade_id!r} (cell {index + 1}) has no points: "
                              "give it points in nbgrader's Create Assignment toolbar")  # fmt: skip
        calls = tuple((m["assignment"], m["question"]) for m in _CALL.finditer(source))
        out.append(GradeCell(grade_id, float(points), tuple(dict.fromkeys(answered)), calls))
        answered = []
    ids = [c.grade_id for c in out]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise CourseError(f"{path}: grade id {twice[0]!r} is used by more than one grade cell")
    return out


def reconcile(notebook: Path, questions: tuple[Question, ...], tests: tuple[TestMarkers, ...]) -> None:
    """A CourseError for the first disagreement between the grade cells and the hidden tests."""
    by_question: dict[str, list[TestMarkers]] = {}
    for test in tests:
        by_question.setdefault(test.question, []).append(test)
    cells = {q.id: q for q in questions}
    for question, found in by_question.items():
        if question not in cells:
            raise CourseError(
                f"{found[0].file}: {found[0].name} is marked question({question!r}), but {notebook} "
                f"has no grade cell with grade_id {question!r} (its grade ids: {', '.join(cells) or 'none'})"
            )
    for q in questions:
        found = by_question.get(q.id, [])
        if not found:
            raise CourseError(f"{notebook}: the grade cell {q.id!r} has no hidden test: no test in "
                              f"{tests[0].file.parent} is marked question({q.id!r})")  # fmt: skip
        totals = [t.total for t in found]
        if all(t is not None for t in totals):
            check_points(q, sum(t for t in totals if t is not None), where=str(found[0].file))


def check_points(question: Question, tests_total: float, *, where: str) -> None:
    """The grade cell's points must be what the question's tests add up to."""
    if abs(tests_total - question.points) > TOLERANCE:
        raise CourseError(
            f"{where}: the tests of question {question.id!r} are worth {tests_total:g} points, but its "
            f"grade cell gives {question.points:g}: make the points markers add up to the grade cell's"
        )


def _check_calls(assignment_id: str, notebook: Path, cell: GradeCell) -> None:
    for assignment, question in cell.calls:
        if assignment != assignment_id or question != cell.grade_id:
            raise CourseError(
                f"{notebook}: the grade cell {cell.grade_id!r} calls grade_question({assignment!r}, "
                f"{question!r}), but the cell belongs to assignment {assignment_id!r}, question "
                f"{cell.grade_id!r}: a notebook copied from another assignment?"
            )


# -- notebooks as JSON (nbformat costs a second to import; these files are the instructor's) --------


def _cells(path: Path) -> list[dict[str, Any]]:
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise CourseError(f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MB")
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise CourseError(f"{path} cannot be read as a notebook: {exc}") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise CourseError(f"{path} is not a notebook: it has no list of cells")
    return cells


def nbgrader_meta(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata", {})
    nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return dict(nbgrader) if isinstance(nbgrader, dict) else {}


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def bound_names(source: str) -> list[str]:
    """Names a cell binds at its top level (functions, classes, assignments), in order."""
    text = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    return list(dict.fromkeys(_bound(tree.body)))


def _bound(body: list[ast.stmt]) -> Iterator[str]:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                yield from _targets(target)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            yield from _targets(node.target)


def _targets(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _targets(element)
