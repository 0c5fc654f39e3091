"""The submissions of an assignment, as nbgrader's autograde finds them, met as untrusted files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnngrader.course.course import Course
from cnngrader.course.untrusted import folder_problem, notebook_problem, read_regular
from cnngrader.errors import UsageError

MAX_TIMESTAMP_BYTES = 200


@dataclass(frozen=True)
class Submission:
    """One student's submitted notebook (which may be missing or unreadable)."""

    student: str
    notebook: Path
    timestamp: str | None = None
    problem: str | None = None  # why it cannot be handed to a grader at all (a link, a pipe)


def find_submissions(
    course: Course, assignment: str, students: tuple[str, ...] | None = None
) -> list[Submission]:
    """Every submitted folder of ``assignment``, or only those of ``students``."""
    found = course.submitting_students(assignment)
    if students:
        missing = sorted(set(students) - set(found))
        if missing:
            where = course.submitted("<student>", assignment)
            raise UsageError(f"no submission of {assignment!r} for {', '.join(map(repr, missing))} "
                             f"(looked in {where})")  # fmt: skip
        found = [s for s in found if s in set(students)]
    return [submission(course, assignment, s) for s in found]


def submission(course: Course, assignment: str, student: str) -> Submission:
    folder = course.submitted(student, assignment)
    notebook = folder / course.assignment(assignment).notebook
    problem = folder_problem(course.root, folder)
    if problem is not None:  # read nothing through the link: it leads to someone else's files
        return Submission(student, notebook, None, problem)
    return Submission(student, notebook, read_timestamp(folder), notebook_problem(notebook))


def read_timestamp(folder: Path) -> str | None:
    """nbgrader's ``timestamp.txt``, as written (nbgrader parses it when the gradebook is written);
    None if it is absent or not a short text file."""
    data = read_regular(folder / "timestamp.txt", MAX_TIMESTAMP_BYTES)
    try:
        text = data.decode("utf-8").strip() if data is not None else ""
    except UnicodeDecodeError:
        return None
    return text if text and text.isprintable() else None
