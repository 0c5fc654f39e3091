"""The course folder in nbgrader's layout: where submissions, records and the gradebook live.

Kept free of nbgrader and nbformat imports (each costs about a second): an idle rerun only
needs paths, and the gradebook's address from ``nbgrader_config.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cnngrader import contract
from cnngrader.batch.untrusted import folder_problem, notebook_problem, read_regular
from cnngrader.errors import CourseError, UsageError

STATE_DIR = ".cnngrader"
DEFAULT_COURSE_ID = "default_course"
MAX_TIMESTAMP_BYTES = 200


@dataclass(frozen=True)
class Course:
    """One course folder and its gradebook's address."""

    root: Path
    db_url: str
    course_id: str = DEFAULT_COURSE_ID

    @property
    def db_path(self) -> Path | None:
        """The SQLite file behind ``db_url``, or None for another kind of database."""
        prefix = "sqlite:///"
        return Path(self.db_url[len(prefix) :]) if self.db_url.startswith(prefix) else None

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def submitted(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def autograded(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    def feedback(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment

    def record_path(self, student: str, assignment: str) -> Path:
        """The per-submission record: the source of truth the gradebook is synced from.

        Not in ``autograded/``: ``nbgrader generate_feedback`` copies that folder to the student,
        and a record holds what only the TA should see (the seed, a grader traceback).
        """
        return self.state_dir / "records" / assignment / student / "record.json"

    def source_notebook(self, assignment: str) -> Path:
        return self.root / "source" / assignment / notebook_name(assignment)


@dataclass(frozen=True)
class Submission:
    """One student's submitted notebook (which may be missing or unreadable)."""

    student: str
    notebook: Path
    timestamp: str | None = None
    problem: str | None = None  # why it cannot be handed to a grader at all (a link, a pipe)


def notebook_name(assignment: str) -> str:
    return contract.assignment(assignment).notebook


def open_course(course_root: Path | str) -> Course:
    """The course at ``course_root``; its gradebook address comes from nbgrader_config.py if set."""
    root = Path(course_root).resolve()
    if not root.is_dir():
        raise CourseError(f"{root} is not a folder (pass the course folder with --course DIR)")
    if not (root / "autograder").is_dir():
        raise CourseError(
            f"{root} is not a cnngrader course: it has no autograder/ folder "
            "(run the command from the course folder, or pass --course DIR)"
        )
    db_url, course_id = _gradebook_config(root)
    return Course(root=root, db_url=db_url, course_id=course_id)


def _gradebook_config(root: Path) -> tuple[str, str]:
    default_url = f"sqlite:///{root / 'gradebook.db'}"
    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        return default_url, DEFAULT_COURSE_ID
    # traitlets is light; loading the file the way nbgrader does honours a custom db_url.
    from traitlets.config.loader import PyFileConfigLoader

    try:
        config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
    except Exception as exc:  # a broken config is the TA's to fix: say where
        raise CourseError(f"{config_file} cannot be loaded: {type(exc).__name__}: {exc}") from None
    coursedir = config.get("CourseDirectory", {})
    db_url = str(coursedir.get("db_url") or default_url)
    course_id = str(coursedir.get("course_id") or DEFAULT_COURSE_ID).strip()
    return db_url, course_id


def find_submissions(course: Course, assignment: str, students: tuple[str, ...] | None) -> list[Submission]:
    """Every ``submitted/<student>/<assignment>/`` folder, or only those of ``students``."""
    found = sorted(_submitting_students(course, assignment))
    if students:
        missing = sorted(set(students) - set(found))
        if missing:
            raise UsageError(
                f"no submission of {assignment!r} for {', '.join(map(repr, missing))} "
                f"(looked in {course.root / 'submitted'})"
            )
        found = [s for s in found if s in set(students)]
    return [_submission(course, assignment, s) for s in found]


def _submission(course: Course, assignment: str, student: str) -> Submission:
    folder = course.submitted(student, assignment)
    notebook = folder / notebook_name(assignment)
    problem = folder_problem(course.root / "submitted", student, assignment)
    if problem is not None:  # read nothing through the link: it leads to someone else's files
        return Submission(student, notebook, None, problem)
    return Submission(student, notebook, _timestamp(folder), notebook_problem(notebook))


def _submitting_students(course: Course, assignment: str) -> list[str]:
    top = course.root / "submitted"
    if not top.is_dir():
        return []
    with os.scandir(top) as entries:
        return [e.name for e in entries if e.is_dir() and (Path(e.path) / assignment).is_dir()]


def _timestamp(folder: Path) -> str | None:
    """nbgrader's ``timestamp.txt``, as written (nbgrader parses it when the gradebook is written);
    None if it is absent or not a short text file."""
    data = read_regular(folder / "timestamp.txt", MAX_TIMESTAMP_BYTES)
    try:
        text = data.decode("utf-8").strip() if data is not None else ""
    except UnicodeDecodeError:
        return None
    return text if text and text.isprintable() else None
