"""The Otter master notebook of an assignment, made from its nbgrader source notebook (pure).

An nbgrader question is a run of cells: the prose just before it, one or more answer cells
(``solution: true``), optional "check your answer" cells, and the autograded cell
(``grade: true``, ``grade_id`` = the question id) whose hidden part calls the hidden tests. In
Otter it becomes a question block: the prose as its prompt, the answers as its solution, the
checks as public tests, and one hidden test that cnngrader's plugin answers. The autograded
cell itself is dropped, hidden part and all: Otter puts ``grader.check("<id>")`` in its place.
Every other cell (setup, demos, prose) is kept as it is.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbformat import NotebookNode

from cnngrader.errors import CourseError
from cnngrader.otter import cells
from cnngrader.otter.course import OtterQuestion


@dataclass(frozen=True)
class QuestionCells:
    """The source cells of one autograded question."""

    question: OtterQuestion
    prompt: tuple[NotebookNode, ...]
    answers: tuple[NotebookNode, ...]
    checks: tuple[NotebookNode, ...]


@dataclass
class _Open:
    prompt: list[NotebookNode]
    answers: list[NotebookNode] = field(default_factory=list)
    checks: list[NotebookNode] = field(default_factory=list)


Segment = NotebookNode | QuestionCells


def master_notebook(
    source: NotebookNode, *, questions: Sequence[OtterQuestion], config: dict[str, Any]
) -> NotebookNode:
    """The master notebook that ``otter assign`` turns into the student and autograder versions."""
    out = [cells.config_cell(config)]
    for segment in segments(source, questions):
        out += question_block(segment) if isinstance(segment, QuestionCells) else [_plain(segment)]
    metadata = copy.deepcopy(dict(source.get("metadata", {})))
    metadata.setdefault("kernelspec", {}).setdefault("language", "python")
    notebook: NotebookNode = nbformat.v4.new_notebook(cells=out, metadata=metadata)
    return notebook


def segments(source: NotebookNode, questions: Sequence[OtterQuestion]) -> list[Segment]:
    """The source's cells, each question's run of cells grouped; every question exactly once."""
    by_id = {q.id: q for q in questions}
    out: list[Segment] = []
    current: _Open | None = None
    for index, cell in enumerate(source.cells):
        meta = dict(cell.get("metadata", {}).get("nbgrader", {}))
        where = f"{cell.cell_type} cell {index + 1}"
        _refuse_manual(meta, cell, where)
        if meta.get("solution"):
            current = current or _Open(prompt=_prompt(out))
            if current.checks:
                raise CourseError(f"{where}: an answer cell after the question's check cell")
            current.answers.append(cell)
        elif meta.get("grade"):
            out.append(_close(current, by_id, meta, where))
            current = None
        elif current is not None:
            if cell.cell_type != "code":
                raise CourseError(f"{where}: only code cells may stand between an answer and its grade cell")
            current.checks.append(cell)
        else:
            out.append(cell)
    if current is not None:
        raise CourseError("the last answer cell has no autograded cell after it")
    _all_once([s.question.id for s in out if isinstance(s, QuestionCells)], list(by_id))
    return out


def question_block(q: QuestionCells) -> list[NotebookNode]:
    """One question in Otter's block syntax."""
    qid = q.question.id
    tests = [
        cells.test_cell(cells.defined_test(qid, q.question.names), hidden=False, points=0),
        *(
            cells.test_cell(cells.public_test(qid, check.source, index=i), hidden=False, points=0)
            for i, check in enumerate(q.checks, start=1)
        ),
        cells.test_cell(cells.hidden_test(qid), hidden=True),
    ]
    answers = [
        nbformat.v4.new_code_cell(cells.answer_source(a.source, where=f"the answer to {qid!r}"))
        for a in q.answers
    ]
    return [
        cells.question_cell(qid, q.question.points),
        *(_plain(c) for c in q.prompt),
        cells.raw("# BEGIN SOLUTION"),
        *answers,
        cells.raw("# END SOLUTION"),
        cells.raw("# BEGIN TESTS"),
        *tests,
        cells.raw("# END TESTS"),
        cells.raw("# END QUESTION"),
    ]


def _refuse_manual(meta: dict[str, Any], cell: NotebookNode, where: str) -> None:
    manual = meta.get("task") or (meta.get("grade") and meta.get("solution"))
    if manual or (cell.cell_type != "code" and (meta.get("grade") or meta.get("solution"))):
        raise CourseError(
            f"{where} is graded by hand (an nbgrader task or written answer); "
            "cnngrader otter converts autograded code questions only"
        )


def _prompt(out: list[Segment]) -> list[NotebookNode]:
    """Take the markdown cell just before an answer as its prompt (earlier prose stays outside)."""
    last = out[-1] if out else None
    if last is None or isinstance(last, QuestionCells) or last.cell_type != "markdown":
        return []
    out.pop()
    return [last]


def _close(
    current: _Open | None, by_id: dict[str, OtterQuestion], meta: dict[str, Any], where: str
) -> QuestionCells:
    grade_id = str(meta.get("grade_id"))
    if current is None:
        raise CourseError(f"{where}: the autograded cell {grade_id!r} has no answer cell before it")
    if grade_id not in by_id:
        raise CourseError(f"{where}: {grade_id!r} is not a question of this assignment")
    question = by_id[grade_id]
    if float(meta.get("points", 0)) != question.points:
        raise CourseError(
            f"{where}: {grade_id!r} is worth {meta.get('points')} points in the notebook "
            f"but {question.points:g} in the course"
        )
    return QuestionCells(question, tuple(current.prompt), tuple(current.answers), tuple(current.checks))


def _all_once(found: list[str], expected: list[str]) -> None:
    missing = [q for q in expected if q not in found]
    twice = sorted({q for q in found if found.count(q) > 1})
    if missing or twice:
        parts = [f"no autograded cell for {', '.join(missing)}"] if missing else []
        parts += [f"{', '.join(twice)} graded twice"] if twice else []
        raise CourseError("the source notebook does not match the course: " + "; ".join(parts))


def _plain(cell: NotebookNode) -> NotebookNode:
    """A copy without outputs and without nbgrader's metadata (Otter adds its own)."""
    cell = copy.deepcopy(cell)
    cell.metadata.pop("nbgrader", None)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell
