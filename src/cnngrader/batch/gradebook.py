"""nbgrader's gradebook, written and read through nbgrader's own API (``nbgrader.api.Gradebook``).

Grades are set the way nbgrader's autograde sets them (``SaveAutoGrades``): the student and the
submission are created if missing, then ``auto_score`` is set on each ``Grade`` whose name is
the question's grade id. A manual score a TA gave is never touched; when the auto score under
it changes, the grade is flagged for review, as nbgrader does.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from cnngrader import contract
from cnngrader.batch.course import Course, notebook_name
from cnngrader.batch.state import Record
from cnngrader.errors import CnngraderError, CourseError

if TYPE_CHECKING:
    from nbgrader.api import Gradebook, SubmittedAssignment

T = TypeVar("T")
TOLERANCE = 1e-9
PATIENCE = 120.0  # seconds a locked gradebook is waited for (a formgrader's write takes milliseconds)


class GradebookLocked(CnngraderError):
    """The gradebook stayed locked (a formgrader writing to it?) for longer than we wait."""


@dataclass(frozen=True)
class StudentGrades:
    """One student's grades for the assignment, as the gradebook holds them (manual scores win)."""

    student: str
    submitted: bool
    timestamp: str
    scores: dict[str, float]
    raw_score: float
    penalty: float

    @property
    def score(self) -> float:
        """The final score, as ``nbgrader export`` computes it."""
        return max(0.0, self.raw_score - self.penalty)


@dataclass(frozen=True)
class GradebookView:
    assignment: str
    cells: tuple[str, ...]
    cell_max: dict[str, float]
    max_score: float
    students: tuple[StudentGrades, ...]


def notebook_id(assignment: str) -> str:
    return notebook_name(assignment).removesuffix(".ipynb")


@contextmanager
def open_gradebook(course: Course, *, patience: float = PATIENCE) -> Iterator[Gradebook]:
    """nbgrader's Gradebook; opening reads the schema, which a lock held elsewhere can also block."""
    from nbgrader.api import Gradebook  # about 1.6 s: only when the gradebook is really used
    from sqlalchemy.exc import SAWarning

    # nbgrader's add_submission builds objects in a way SQLAlchemy 2 warns about, harmlessly
    # (its own autograde prints the same); they would only garble the progress bar.
    warnings.filterwarnings("ignore", message="Object of type <Submitted", category=SAWarning)
    gb = _patiently(lambda: Gradebook(course.db_url, course.course_id), patience=patience, undo=None)
    try:
        yield gb
    finally:
        gb.close()


def with_retries(gb: Gradebook, action: Callable[[], T], *, patience: float = PATIENCE) -> T:
    """Run ``action``; while the database is locked, roll back and try again, waiting longer each time."""
    return _patiently(action, patience=patience, undo=gb.db.rollback)


def _patiently(action: Callable[[], T], *, patience: float, undo: Callable[[], object] | None) -> T:
    deadline = time.monotonic() + patience
    pause = 0.05
    while True:
        try:
            return action()
        except Exception as exc:
            if undo is not None:
                undo()
            if not is_locked(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise GradebookLocked(
                    f"the gradebook stayed locked for {patience:g} s ({exc.__class__.__name__}); "
                    "every grade is saved in .cnngrader/records/: "
                    "run the command again to write them"
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def is_locked(exc: BaseException) -> bool:
    # nbgrader rewraps SQLAlchemy's OperationalError as InvalidEntry; the message survives.
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


# -- the assignment's structure -------------------------------------------------------------------


def ensure_assignment(gb: Gradebook, course: Course, assignment: str) -> tuple[str, ...]:
    """Create the assignment, notebook and grade cells from ``source/`` if the gradebook lacks them.

    Returns problems worth telling the TA (questions without a grade cell).
    """
    from nbgrader.api import MissingEntry

    name = notebook_id(assignment)
    try:
        notebook = gb.find_notebook(name, assignment)
    except MissingEntry:
        create_from_source(gb, course, assignment)
        notebook = gb.find_notebook(name, assignment)
    cells = {cell.name for cell in notebook.grade_cells}
    return tuple(
        f"question {q.id!r} has no grade cell in the gradebook's {assignment}/{name}: "
        "its score is in the records and the feedback, not in the gradebook"
        for q in contract.assignment(assignment).questions
        if q.id not in cells
    )


def create_from_source(gb: Gradebook, course: Course, assignment: str) -> None:
    """What ``nbgrader generate_assignment --create`` records, by nbgrader's own preprocessors."""
    import nbformat
    from nbgrader.preprocessors import ClearOutput, ClearSolutions, ComputeChecksums, LockCells, SaveCells

    source = course.source_notebook(assignment)
    if not source.is_file():
        raise CourseError(
            f"assignment {assignment!r} is not in the gradebook and {source} does not exist to create it "
            f"from: run `cnngrader release {assignment}` (or `nbgrader generate_assignment {assignment}`)"
        )
    gb.update_or_create_assignment(assignment)
    nb = nbformat.read(str(source), as_version=4)
    resources: dict[str, Any] = {
        "nbgrader": {"notebook": notebook_id(assignment), "assignment": assignment, "db_url": course.db_url}
    }
    # The chain of generate_assignment up to SaveCells, so checksums match the released notebook.
    for preprocessor in (LockCells(), ClearSolutions(), ClearOutput(), ComputeChecksums(), SaveCells()):
        nb, resources = preprocessor.preprocess(nb, resources)


# -- writing grades -----------------------------------------------------------------------------


def write_records(gb: Gradebook, assignment: str, records: Iterable[Record], known: set[str]) -> None:
    """Bring the gradebook up to these records, in one transaction (plus nbgrader's own commits
    when it creates a student or a submission). ``known`` is the set of student ids it holds."""
    name = notebook_id(assignment)
    for record in records:
        if record.student not in known:
            gb.add_student(record.student)
            known.add(record.student)
        submission = _submission(gb, assignment, record)
        _set_scores(submission, name, record.scores())
    gb.db.commit()


def _submission(gb: Gradebook, assignment: str, record: Record) -> SubmittedAssignment:
    from nbgrader.api import MissingEntry

    timestamp = parse_timestamp(record.timestamp)
    try:
        submission = gb.find_submission(assignment, record.student)
    except MissingEntry:
        extra = {"timestamp": timestamp} if timestamp else {}
        return gb.add_submission(assignment, record.student, **extra)
    if timestamp and submission.timestamp != timestamp:
        submission.timestamp = timestamp
    return submission


def _set_scores(submission: SubmittedAssignment, notebook: str, scores: dict[str, float]) -> None:
    for nb in submission.notebooks:
        if nb.name != notebook:
            continue
        for grade in nb.grades:
            score = scores.get(grade.name)
            if score is None or (grade.auto_score is not None and abs(grade.auto_score - score) <= TOLERANCE):
                continue
            grade.auto_score = score
            grade.needs_manual_grade = grade.manual_score is not None


def parse_timestamp(text: str | None) -> datetime | None:
    """nbgrader's reading of ``timestamp.txt``; one it cannot read is left out, as an empty one is."""
    if not text:
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text)
    except (ValueError, OverflowError):
        return None


# -- reading grades -----------------------------------------------------------------------------


def read_grades(course: Course, assignment: str) -> GradebookView:
    """Every student of the gradebook and their grades for ``assignment``, via nbgrader's API."""
    from nbgrader.api import MissingEntry

    with open_gradebook(course) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            raise CourseError(f"assignment {assignment!r} is not in the gradebook {course.db_url}") from None
        cell_max = {c.name: float(c.max_score) for nb in found.notebooks for c in nb.grade_cells}
        cells = _cell_order(assignment, set(cell_max))
        students = tuple(
            _student_grades(gb, assignment, s.id) for s in sorted(gb.students, key=lambda s: s.id)
        )
        return GradebookView(assignment, cells, cell_max, float(found.max_score), students)


def _student_grades(gb: Gradebook, assignment: str, student: str) -> StudentGrades:
    from nbgrader.api import MissingEntry

    try:
        sub = gb.find_submission(assignment, student)
    except MissingEntry:
        return StudentGrades(student, False, "", {}, 0.0, 0.0)
    scores = {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades}
    stamp = "" if sub.timestamp is None else str(sub.timestamp)
    return StudentGrades(
        student, True, stamp, scores, float(sub.score), float(sub.late_submission_penalty or 0.0)
    )


def _cell_order(assignment: str, cells: set[str]) -> tuple[str, ...]:
    """The contract's question order first, then any other grade cells by name."""
    known = [q.id for q in contract.assignment(assignment).questions if q.id in cells]
    return (*known, *sorted(cells - set(known)))
