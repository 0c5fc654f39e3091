"""nbgrader's gradebook, written and read through nbgrader's own API (``nbgrader.api.Gradebook``).

Grades are set the way nbgrader's autograde sets them (``SaveAutoGrades``): the student and the
submission are created if missing (with nbgrader's own models, as ``add_student`` and
``add_submission`` build them, but many students per commit), then ``auto_score`` is set on
each ``Grade`` whose name is the question's grade id. A manual score a TA gave is never
touched; when the auto score under it changes, the grade is flagged for review, as nbgrader does.
"""

from __future__ import annotations

import os
import secrets
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cnngrader.batch.state import Record
from cnngrader.course.course import Course
from cnngrader.course.late import apply_penalty, late_penalties
from cnngrader.errors import CnngraderError, CourseError

if TYPE_CHECKING:
    from nbgrader.api import Assignment, Grade, Gradebook, Notebook, SubmittedAssignment

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


@contextmanager
def open_gradebook(course: Course, *, patience: float = PATIENCE) -> Iterator[Gradebook]:
    """nbgrader's Gradebook; opening reads the schema, which a lock held elsewhere can also block."""
    from nbgrader.api import Gradebook  # about 1.6 s: only when the gradebook is really used
    from sqlalchemy.exc import SAWarning

    # nbgrader's add_submission builds objects in a way SQLAlchemy 2 warns about, harmlessly
    # (its own autograde prints the same); they would only garble the progress bar.
    warnings.filterwarnings("ignore", message="Object of type <Submitted", category=SAWarning)
    if course.db_path is not None and not course.db_path.exists():
        _create(course.db_path, course.course_id)
    gb = _patiently(lambda: Gradebook(course.db_url, course.course_id), patience=patience, undo=None)
    try:
        yield gb
    finally:
        gb.close()


def _create(path: Path, course_id: str) -> None:
    """A new gradebook, built aside and renamed into place: nbgrader creates its tables and its
    schema version one statement at a time, and a kill in between would leave half a database."""
    from nbgrader.api import Gradebook

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # the umask decides, as for nbgrader
    try:
        Gradebook(f"sqlite:///{tmp}", course_id).close()
        os.link(tmp, path)  # unlike a rename, never replaces a gradebook created meanwhile
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


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

    nbgrader commits the cells one by one: a grade killed while creating them leaves a marker, and
    the next one creates them again (nbgrader updates what exists). Returns problems worth telling
    the TA (questions without a grade cell).
    """
    from nbgrader.api import MissingEntry

    name = course.assignment(assignment).notebook_id
    creating = course.state_dir / "gradebook" / f"{assignment}.creating"
    try:
        notebook = gb.find_notebook(name, assignment)
    except MissingEntry:
        notebook = None
    if notebook is None or creating.exists():
        creating.parent.mkdir(parents=True, exist_ok=True)
        creating.touch()
        create_from_source(gb, course, assignment)
        creating.unlink()
        notebook = gb.find_notebook(name, assignment)
    cells = {cell.name for cell in notebook.grade_cells}
    return tuple(
        f"question {q.id!r} has no grade cell in the gradebook's {assignment}/{name}: "
        "its score is in the records and the feedback, not in the gradebook"
        for q in course.assignment(assignment).questions
        if q.id not in cells
    )


def create_from_source(gb: Gradebook, course: Course, assignment: str) -> None:
    """What ``nbgrader generate_assignment --create`` records, by nbgrader's own preprocessors."""
    import nbformat
    from nbgrader.preprocessors import ClearOutput, ClearSolutions, ComputeChecksums, LockCells, SaveCells

    source = course.source_notebook(assignment)
    notebook_id = course.assignment(assignment).notebook_id
    if not source.is_file():
        raise CourseError(
            f"assignment {assignment!r} is not in the gradebook and {source} does not exist to create it "
            f"from: run `cnngrader release {assignment}` (or `nbgrader generate_assignment {assignment}`)"
        )
    gb.update_or_create_assignment(assignment)
    nb = nbformat.read(str(source), as_version=4)
    resources: dict[str, Any] = {
        "nbgrader": {"notebook": notebook_id, "assignment": assignment, "db_url": course.db_url}
    }
    # The chain of generate_assignment up to SaveCells, so checksums match the released notebook.
    for preprocessor in (LockCells(), ClearSolutions(), ClearOutput(), ComputeChecksums(), SaveCells()):
        nb, resources = preprocessor.preprocess(nb, resources)


# -- writing grades -----------------------------------------------------------------------------


def write_records(
    gb: Gradebook, course: Course, assignment: str, records: Sequence[Record], known: set[str]
) -> None:
    """Bring the gradebook up to these records in one transaction (one commit: each costs an fsync,
    tens of ms here). ``known`` is the set of student ids the gradebook holds; it grows on success.
    Late penalties are then set by the course's own plugin, as ``nbgrader autograde`` sets them.

    Submissions and grades are read in one query each per batch: after a commit every object is
    expired, and reading them one attribute at a time costs a query each.
    """
    from nbgrader.api import Student

    found = gb.find_assignment(assignment)
    notebook_id = course.assignment(assignment).notebook_id
    notebook = next(nb for nb in found.notebooks if nb.name == notebook_id)
    by_student = {r.student: r for r in records}
    existing = _submissions(gb, found, list(by_student))
    added = [s for s in by_student if s not in known]
    for student in added:
        gb.db.add(Student(id=student))  # what Gradebook.add_student does, before its commit
    for student, record in by_student.items():
        timestamp = parse_timestamp(record.timestamp)
        if student not in existing:
            _new_submission(gb, found, student, timestamp)
        elif timestamp and existing[student].timestamp != timestamp:
            existing[student].timestamp = timestamp
    names = {cell.id: cell.name for cell in notebook.grade_cells}
    for grade, student in _grades(gb, found, notebook, list(by_student)):
        _set_score(grade, by_student[student].scores().get(names.get(grade.cell_id, "")))
    gb.db.flush()  # the notebooks' scores, which penalties are computed from, are read by SQL
    assigner = late_penalties(course.settings.raw)
    for submitted in _notebooks(gb, found, notebook, list(by_student)):
        apply_penalty(assigner, submitted.assignment, submitted)
    gb.db.commit()
    known.update(added)


def _submissions(
    gb: Gradebook, assignment: Assignment, students: list[str]
) -> dict[str, SubmittedAssignment]:
    from nbgrader.api import SubmittedAssignment

    query = gb.db.query(SubmittedAssignment).filter(
        SubmittedAssignment.assignment_id == assignment.id, SubmittedAssignment.student_id.in_(students)
    )
    return {sub.student_id: sub for sub in query}


def _grades(gb: Gradebook, assignment: Assignment, notebook: Notebook, students: list[str]) -> Iterator[Any]:
    """(Grade, student id) of these students' submitted copies of ``notebook``."""
    from nbgrader.api import Grade, SubmittedAssignment, SubmittedNotebook

    return iter(
        gb.db.query(Grade, SubmittedAssignment.student_id)
        .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .filter(
            SubmittedAssignment.assignment_id == assignment.id,
            SubmittedNotebook.notebook_id == notebook.id,
            SubmittedAssignment.student_id.in_(students),
        )
    )


def _notebooks(
    gb: Gradebook, assignment: Assignment, notebook: Notebook, students: list[str]
) -> Iterator[Any]:
    """These students' submitted copies of ``notebook`` (nbgrader's ``SubmittedNotebook``)."""
    from nbgrader.api import SubmittedAssignment, SubmittedNotebook

    return iter(
        gb.db.query(SubmittedNotebook)
        .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .filter(
            SubmittedAssignment.assignment_id == assignment.id,
            SubmittedNotebook.notebook_id == notebook.id,
            SubmittedAssignment.student_id.in_(students),
        )
        .populate_existing()  # scores as the flush left them, not as first loaded
    )


def _set_score(grade: Grade, score: float | None) -> None:
    """Set the autograder's score (never the TA's manual one); a changed score under a manual
    grade flags it for review, as nbgrader's SaveAutoGrades does."""
    if score is None or (grade.auto_score is not None and abs(grade.auto_score - score) <= TOLERANCE):
        return
    grade.auto_score = score
    grade.needs_manual_grade = grade.manual_score is not None


def _new_submission(
    gb: Gradebook, assignment: Assignment, student: str, timestamp: datetime | None
) -> SubmittedAssignment:
    """``Gradebook.add_submission`` of nbgrader 0.9.6, step for step, but inside our transaction:
    the submission mirrors the assignment (a Grade per grade cell, a Comment per solution cell,
    both per task cell), so formgrader finds every cell it expects."""
    from nbgrader.api import Comment, Grade, SubmittedAssignment, SubmittedNotebook

    extra = {"timestamp": timestamp} if timestamp else {}
    submission = SubmittedAssignment(assignment=assignment, student_id=student, **extra)
    for notebook in assignment.notebooks:
        nb = SubmittedNotebook(notebook=notebook, assignment=submission)
        for grade_cell in notebook.grade_cells:
            Grade(cell_id=grade_cell.id, notebook=nb)
        for solution_cell in notebook.solution_cells:
            Comment(cell_id=solution_cell.id, notebook=nb)
        for task_cell in notebook.task_cells:
            Comment(cell_id=task_cell.id, notebook=nb)
            Grade(cell_id=task_cell.id, notebook=nb)
    gb.db.add(submission)
    return submission


def parse_timestamp(text: str | None) -> datetime | None:
    """nbgrader's reading of ``timestamp.txt``; one it cannot read is left out, as an empty one is."""
    if not text:
        return None
    from nbgrader.utils import parse_utc

    try:
        parsed: datetime = parse_utc(text)
    except (ValueError, OverflowError):
        return None
    return parsed


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
        cells = _cell_order(course, assignment, set(cell_max))
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


def _cell_order(course: Course, assignment: str, cells: set[str]) -> tuple[str, ...]:
    """The notebook's question order first, then any other grade cells by name."""
    known = [q.id for q in course.assignment(assignment).questions if q.id in cells]
    return (*known, *sorted(cells - set(known)))
