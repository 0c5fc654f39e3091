"""What the Otter build needs of a course: its questions, and the files an autograder ships.

``course_questions`` is the one place that asks the package which questions and points an
assignment has; everything else in ``cnngrader.otter`` reads the course folder itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnngrader.errors import CourseError


@dataclass(frozen=True)
class OtterQuestion:
    """One autograded question: its id (the nbgrader grade id), points and the names it defines."""

    id: str
    points: float
    names: tuple[str, ...]


@dataclass(frozen=True)
class CourseFiles:
    """The files of one assignment in an nbgrader course folder."""

    root: Path
    assignment: str

    @property
    def source_notebook(self) -> Path:
        return self.root / "source" / self.assignment / f"{self.assignment}.ipynb"

    @property
    def hidden_tests(self) -> Path:
        return self.root / "autograder" / self.assignment

    @property
    def config(self) -> Path:
        return self.root / "nbgrader_config.py"


def course_questions(*, course_root: Path, assignment: str) -> tuple[OtterQuestion, ...]:
    """The assignment's questions in order (a UsageError for an unknown assignment)."""
    from cnngrader.contract import assignment as find_assignment

    spec = find_assignment(assignment)
    return tuple(OtterQuestion(q.id, float(q.points), tuple(q.names)) for q in spec.questions)


def course_files(*, course_root: Path, assignment: str) -> CourseFiles:
    """The assignment's files, or a CourseError naming the first one missing."""
    files = CourseFiles(Path(course_root).resolve(), assignment)
    for path in (files.config, files.source_notebook, files.hidden_tests):
        if not path.exists():
            raise CourseError(f"{files.root} has no {path.relative_to(files.root)} for {assignment!r}")
    return files
