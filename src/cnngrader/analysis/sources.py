"""Where the analysis meets the course: the assignment's questions, its students' records, and
where a report goes by default. The only module that knows the course's layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnngrader.batch.state import Record, load_record
from cnngrader.course.course import Course


@dataclass(frozen=True)
class Item:
    """One question as the analysis needs it: its id, its points, and the names it defines."""

    id: str
    points: float
    names: tuple[str, ...] = ()  # the values its answer is recorded under (a quiz's ``q1``)


@dataclass(frozen=True)
class Records:
    """The records of one assignment, and the students who submitted without one yet."""

    records: tuple[Record, ...]
    ungraded: tuple[str, ...] = ()


def assignment_items(course: Course, assignment: str) -> tuple[Item, ...]:
    """The questions of ``assignment`` and their points, in the notebook's order."""
    spec = course.assignment(assignment)
    return tuple(Item(q.id, float(q.points), tuple(q.names)) for q in spec.questions)


def course_records(course: Course, assignment: str) -> Records:
    """Every record of ``assignment`` for the students who submitted it, by student name."""
    found, ungraded = [], []
    for student in course.submitting_students(assignment):
        record = load_record(course.record_path(student, assignment))
        if record is None:
            ungraded.append(student)
        else:
            found.append(record)
    return Records(tuple(found), tuple(ungraded))


def report_folder(course: Course, assignment: str) -> Path:
    """Where ``cnngrader report`` writes without ``--to``: ``reports/<ID>/`` in the course."""
    return course.root / "reports" / assignment
