"""``cnngrader export``: the gradebook's grades as CSV, or as Gradescope ``results.json`` files.

Scores come from the gradebook (so a TA's manual grade counts, as in ``nbgrader export``);
the per-test detail of a Gradescope file comes from the student's record.

- ``--to grades.csv``: one row per student of the gradebook, a column per question.
- ``--to DIR`` (a folder, or a path without suffix) or ``--to NAME.json``: one Gradescope
  ``results.json`` per student, in ``DIR/<student>/results.json`` (``NAME.json`` stands for
  the folder ``NAME/``; ``--to results.json`` writes ``results/<student>/results.json``).
"""

from __future__ import annotations

import csv
import enum
import io
import json
from pathlib import Path
from typing import Any

from cnngrader.batch.atomic import write_atomic
from cnngrader.batch.gradebook import GradebookView, StudentGrades, read_grades
from cnngrader.batch.state import Record, load_record
from cnngrader.course.course import Course
from cnngrader.errors import UsageError
from cnngrader.results import Outcome, TestResult

GRADESCOPE_FILE = "results.json"
TOLERANCE = 1e-9


class Format(enum.Enum):
    CSV = "csv"
    GRADESCOPE = "gradescope"


def export_grades(*, course: Course, assignment: str, to: Path) -> Path:
    """Write the grades of ``assignment``; returns the file or folder written."""
    course.assignment(assignment)
    kind, target = destination(Path(to))
    view = read_grades(course, assignment)
    if kind is Format.CSV:
        write_atomic(target, grades_csv(view).encode())
    else:
        write_gradescope(course, view, target)
    return target


def destination(to: Path) -> tuple[Format, Path]:
    if to.suffix.lower() == ".csv":
        return Format.CSV, to
    if to.suffix.lower() == ".json":
        return Format.GRADESCOPE, to.with_suffix("")
    if to.is_dir() or not to.suffix:
        return Format.GRADESCOPE, to
    raise UsageError(
        f"--to {to}: give a .csv file, or a folder (or NAME.json) for Gradescope results.json files"
    )


def grades_csv(view: GradebookView) -> str:
    """The grades as CSV text: nbgrader export's columns, with a column per question."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["assignment", "student_id", "timestamp", *view.cells, "raw_score",
                     "late_submission_penalty", "score", "max_score"])  # fmt: skip
    for s in view.students:
        cells = [_number(s.scores[c]) if s.submitted and c in s.scores else "" for c in view.cells]
        writer.writerow([view.assignment, s.student, s.timestamp, *cells, _number(s.raw_score),
                         _number(s.penalty), _number(s.score), _number(view.max_score)])  # fmt: skip
    return out.getvalue()


def write_gradescope(course: Course, view: GradebookView, folder: Path) -> None:
    """One ``<folder>/<student>/results.json`` per student who submitted."""
    for s in view.students:
        if not s.submitted:
            continue
        record = load_record(course.record_path(s.student, view.assignment))
        data = gradescope_result(view, s, record)
        write_atomic(folder / s.student / GRADESCOPE_FILE, json.dumps(data, indent=2).encode())


def gradescope_result(view: GradebookView, grades: StudentGrades, record: Record | None) -> dict[str, Any]:
    """Gradescope's results format: the gradebook's score, a test per hidden test from the record."""
    tests = _record_tests(record) if record is not None else []
    graded = record.scores() if record is not None else {}
    for number, cell in enumerate(view.cells, start=1):
        score = grades.scores.get(cell)
        if score is None or (cell in graded and abs(graded[cell] - score) <= TOLERANCE):
            continue
        # No record, or a TA's manual grade replaced the autograder's: the gradebook's word is final.
        why = "set by your course staff" if record is not None else "from the gradebook"
        tests.append({"name": f"{cell}: score in the gradebook", "number": str(number), "score": score,
                      "max_score": view.cell_max.get(cell, 0.0), "output": why,
                      "visibility": "visible"})  # fmt: skip
    output = [f"{view.assignment}: {grades.score:g} / {view.max_score:g}"]
    output += record.result.errors if record is not None else []
    result: dict[str, Any] = {
        "score": grades.score,
        "output": "\n".join(output),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if record is not None:
        result["execution_time"] = round(record.seconds, 3)
    return result


def _record_tests(record: Record) -> list[dict[str, Any]]:
    tests = []
    for qi, question in enumerate(record.result.questions, start=1):
        for ti, test in enumerate(question.tests, start=1):
            tests.append({
                "name": f"{question.id}: {test.name}",
                "number": f"{qi}.{ti}",
                "score": test.score,
                "max_score": test.max_score,
                "status": "passed" if test.outcome is Outcome.PASSED else "failed",
                "output": _test_output(test),
                "visibility": "visible",
            })  # fmt: skip
    return tests


def _test_output(test: TestResult) -> str:
    if test.outcome is Outcome.PASSED:
        return test.message
    return f"{test.outcome.value}: {test.message}" if test.message else test.outcome.value


def _number(x: float) -> str:
    return str(float(x))  # as nbgrader export writes them: 38.0
