"""``cnngrader report``: read the records, analyse them, write ``index.html`` and ``items.csv``."""

from __future__ import annotations

from pathlib import Path

from cnngrader.analysis.choices import OptionMeaning, letter_itself
from cnngrader.analysis.findings import Findings, analyse
from cnngrader.analysis.page import render_page
from cnngrader.analysis.sources import assignment_items, course_records, report_folder
from cnngrader.analysis.table import items_csv
from cnngrader.batch.atomic import write_atomic
from cnngrader.course.course import Course
from cnngrader.course.variants import option_meaning
from cnngrader.errors import CourseError

PAGE = "index.html"
TABLE = "items.csv"


def course_findings(
    *, course: Course, assignment: str, meaning: OptionMeaning | None = None
) -> Findings:
    """The item analysis of ``assignment`` from the course's records; a CourseError if there are none.

    Without ``meaning``, letters are counted by what they stood for in each student's variant
    where the course gives students their own options (``variant.py``'s ``options``), else as letters.
    """
    if meaning is None:
        meaning = option_meaning(course=course, assignment=assignment) or letter_itself
    items = assignment_items(course, assignment)
    found = course_records(course, assignment)
    if not found.records:
        waiting = f" ({len(found.ungraded)} submitted)" if found.ungraded else ""
        raise CourseError(f"no graded submissions of {assignment!r} in {course.root}"
                          f"{waiting}: run `cnngrader grade {assignment}` first")  # fmt: skip
    return analyse(assignment, items, found.records, ungraded=found.ungraded, meaning=meaning)


def write_report(
    *, course: Course, assignment: str, to: Path | None = None, meaning: OptionMeaning | None = None
) -> Path:
    """Write ``index.html`` and ``items.csv`` into ``to`` (default ``reports/<ID>/`` of the course)."""
    findings = course_findings(course=course, assignment=assignment, meaning=meaning)
    folder = Path(to) if to is not None else report_folder(course, assignment)
    if folder.exists() and not folder.is_dir():
        raise CourseError(f"--to {folder}: that is a file; give a folder for index.html and items.csv")
    write_atomic(folder / TABLE, items_csv(findings.items).encode())
    write_atomic(folder / PAGE, render_page(findings).encode())
    return folder
