"""What a grade leaves beside its record: the notebook as run (``autograded/``) and feedback.

The autograded notebook is the submitted one with the outputs of the confined run, capped,
as nbgrader's autograde leaves it, so formgrader shows what the student's code printed; each
question's grade cell holds that question's per-test outcomes and messages and its score
(:mod:`cnngrader.report.cell`), so formgrader and ``nbgrader generate_feedback`` show why points
were lost.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cnngrader.batch.atomic import remove, write_atomic
from cnngrader.batch.state import Record
from cnngrader.confine.shared.reports import CellReport, CellStatus
from cnngrader.course.course import Course
from cnngrader.course.untrusted import MAX_NOTEBOOK_BYTES, read_regular
from cnngrader.report.cell import grade_cell_outputs
from cnngrader.report.html import render_feedback
from cnngrader.results import QuestionResult

MAX_CELL_OUTPUT = 10_000  # characters of text per stream and cell, like nbgrader's LimitOutput
TRUNCATED = "\n... [output truncated]\n"


def write_outputs(course: Course, record: Record, cells: Sequence[CellReport]) -> None:
    write_autograded(course, record, cells)
    write_feedback(course, record)


def write_feedback(course: Course, record: Record) -> None:
    notebook = course.assignment(record.assignment).notebook
    path = course.feedback(record.student, record.assignment) / Path(notebook).with_suffix(".html").name
    write_atomic(path, render_feedback(record.result, student=record.student).encode())


def write_autograded(course: Course, record: Record, cells: Sequence[CellReport]) -> None:
    """The submitted notebook with this run's outputs; none (and no stale one) if it was unreadable."""
    notebook_name = course.assignment(record.assignment).notebook
    path = course.autograded(record.student, record.assignment) / notebook_name
    notebook = _load(Path(record.result.notebook)) if cells else None
    if notebook is None:
        remove(path)
        return
    graded = with_outputs(notebook, cells, record.result.questions)
    write_atomic(path, json.dumps(graded, indent=1, ensure_ascii=False).encode())


def with_outputs(
    notebook: dict[str, Any], cells: Sequence[CellReport], questions: Sequence[QuestionResult] = ()
) -> dict[str, Any]:
    """Replace every code cell's outputs with those of the run (a cell not run has none); a
    question's grade cell gets that question's result instead, as nbgrader's autograde leaves it."""
    reports = {c.index: c for c in cells}
    results = {q.id: q for q in questions}
    count = 0
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        report = reports.get(index)
        count += report is not None
        cell["execution_count"] = count if report is not None else None
        grade_id = _grade_id(cell)
        result = results.get(grade_id) if grade_id is not None else None
        if result is not None:
            cell["outputs"] = grade_cell_outputs(result, cell["execution_count"])
        else:
            cell["outputs"] = cell_outputs(report) if report is not None else []
    return notebook


def _grade_id(cell: dict[str, Any]) -> str | None:
    """The grade id of an autograded (grade) cell, else None."""
    meta = cell.get("metadata", {})
    nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    if isinstance(nbgrader, dict) and nbgrader.get("grade") and not nbgrader.get("solution"):
        grade_id = nbgrader.get("grade_id")
        return grade_id if isinstance(grade_id, str) else None
    return None


def cell_outputs(report: CellReport) -> list[dict[str, Any]]:
    """nbformat outputs for one cell report: streams, displayed values as plain text, a note for
    figures (not kept), then its error if it ended in one."""
    out: list[dict[str, Any]] = []
    for name, text in (("stdout", report.stdout), ("stderr", report.stderr)):
        if text:
            out.append({"output_type": "stream", "name": name, "text": _cap(text)})
    for shown in report.displays:
        out.append({"output_type": "display_data", "data": {"text/plain": _cap(shown)}, "metadata": {}})
    if report.figures:
        plural = "s" if report.figures > 1 else ""
        note = f"<{report.figures} matplotlib figure{plural}: not kept by the grader>"
        out.append({"output_type": "display_data", "data": {"text/plain": note}, "metadata": {}})
    if report.status is CellStatus.ERROR:
        ename = report.ename or "Error"
        out.append({"output_type": "error", "ename": ename, "evalue": _cap(report.evalue),
                    "traceback": [f"{ename}: {report.evalue}"]})  # fmt: skip
    elif report.status is CellStatus.TIMEOUT:
        why = "this cell ran out of time and was stopped"
        out.append({"output_type": "error", "ename": "Timeout", "evalue": why,
                    "traceback": [f"Timeout: {why}"]})  # fmt: skip
    elif report.status is CellStatus.SKIPPED and report.evalue:  # a demo cell, or no time was left
        note = f"<{_cap(report.evalue)}>"
        out.append({"output_type": "display_data", "data": {"text/plain": note}, "metadata": {}})
    return out


def _cap(text: str) -> str:
    return text if len(text) <= MAX_CELL_OUTPUT else text[:MAX_CELL_OUTPUT] + TRUNCATED


def _load(path: Path) -> dict[str, Any] | None:
    raw = read_regular(path, MAX_NOTEBOOK_BYTES)
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("cells"), list) else None
