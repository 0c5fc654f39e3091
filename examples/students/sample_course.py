"""Write the sample course: nbgrader's ``submitted/<student>/<assignment>/`` and ``EXPECTED.json``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from students.expected import NotebookExpectation, expect_notebook, expect_unreadable
from students.notebooks import fill, read_release, state_student, write, write_unreadable
from students.own import has_variants, own_source
from students.roster import STUDENTS, Handin, Student

ABOUT = (
    "Expected grades of the sample course, from the labels of each answer (examples/students). "
    "expect: full = full marks; below_full = less than full, and a failing test says the words; "
    "not_attempted = 0 with every test not_attempted; some_not_attempted = less than full with a "
    "not_attempted test; zero = 0 (unreadable); any = at most full (beside a hostile cell). "
    "score is exact where the labels fix it, else score_below is a strict upper bound."
)


def expectation(handin: Handin) -> NotebookExpectation:
    if handin.unreadable:
        return expect_unreadable(handin.assignment)
    return expect_notebook(handin.assignment, handin.variants())


def notebook(handin: Handin, release: NotebookNode, *, student: str, course_root: Path) -> NotebookNode:
    """The hand-in; where the assignment has per-student variants, the student answers their own
    numbers (the same answers and mistakes on them) and states their id, as the notebook asks."""
    if not has_variants(handin.assignment):
        return fill(release, {q: v.source for q, v in handin.variants().items()})
    answers = {q: own_source(course_root, student, v) for q, v in handin.variants().items()}
    return state_student(fill(release, answers), student)


def write_handin(
    handin: Handin, folder: Path, releases: dict[str, NotebookNode], *, student: str, course_root: Path
) -> None:
    path = folder / handin.assignment / f"{handin.assignment}.ipynb"
    if handin.unreadable:
        write_unreadable(path)
    else:
        write(notebook(handin, releases[handin.assignment], student=student, course_root=course_root), path)


def expected_json(students: tuple[Student, ...]) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for s in students:
        entry: dict[str, Any] = {"about": s.about}
        entry.update({h.assignment: expectation(h).to_dict() for h in s.handins})
        entries[s.name] = entry
    return {"about": ABOUT, "students": entries}


def write_sample_course(*, course_root: Path, out: Path, students: tuple[Student, ...] = STUDENTS) -> None:
    """(Re)write ``out/submitted/`` and ``out/EXPECTED.json`` from the released notebooks."""
    assignments = sorted({h.assignment for s in students for h in s.handins})
    releases = {a: read_release(course_root, a) for a in assignments}
    shutil.rmtree(out / "submitted", ignore_errors=True)
    for s in students:
        for h in s.handins:
            write_handin(h, out / "submitted" / s.name, releases, student=s.name, course_root=course_root)
    text = json.dumps(expected_json(students), indent=2, sort_keys=False) + "\n"
    (out / "EXPECTED.json").write_text(text, encoding="utf-8")
