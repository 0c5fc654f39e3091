"""What the Otter build needs of a course: its questions, and the files an autograder ships.

``course_questions`` is the one place that asks the package which questions and points an
assignment has; everything else in ``cnngrader.otter`` reads the course folder itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cnngrader.course.config import CONFIG_FILE
from cnngrader.course.course import Course
from cnngrader.errors import CourseError


@dataclass(frozen=True)
class OtterQuestion:
    """One autograded question: its id (the nbgrader grade id), points and the names it defines."""

    id: str
    points: float
    names: tuple[str, ...]


@dataclass(frozen=True)
class CourseFiles:
    """The files of one assignment of a course that an Otter build reads or ships."""

    course: Course
    assignment: str

    @property
    def root(self) -> Path:
        return self.course.root

    @property
    def source_notebook(self) -> Path:
        return self.course.source_notebook(self.assignment)

    @property
    def released_notebook(self) -> Path:
        """The student's notebook: the grade cells and their points, no solution, no hidden test."""
        return self.course.release_dir(self.assignment) / self.course.assignment(self.assignment).notebook

    @property
    def hidden_tests(self) -> Path:
        return self.course.tests_dir(self.assignment)

    @property
    def config(self) -> Path:
        return self.course.folder / CONFIG_FILE


def course_questions(*, course_root: Path, assignment: str) -> tuple[OtterQuestion, ...]:
    """The assignment's questions in order (a UsageError for an unknown assignment)."""
    spec = Course.open(course_root).assignment(assignment)
    return tuple(OtterQuestion(q.id, float(q.points), asked_names(q.names)) for q in spec.questions)


def asked_names(bound: Sequence[str]) -> tuple[str, ...]:
    """The names a question asks students for: those its solution binds, less its private working
    (``_n``, ``_k``: a solution that computes from a student's drawn numbers binds them on the way)."""
    public = tuple(name for name in bound if not name.startswith("_"))
    return public or tuple(bound)


def course_files(*, course_root: Path, assignment: str) -> CourseFiles:
    """The assignment's files, or a CourseError naming the first one missing."""
    files = CourseFiles(Course.open(course_root), assignment)
    for path in (files.config, files.source_notebook, files.released_notebook, files.hidden_tests):
        if not path.exists():
            hint = f"; run `cnngrader release {assignment}` first" if path == files.released_notebook else ""
            raise CourseError(f"{files.root} has no {path.relative_to(files.root)} for {assignment!r}{hint}")
    return files
