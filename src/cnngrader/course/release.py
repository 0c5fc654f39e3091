"""Release an assignment with nbgrader itself, then prove that nothing secret reached students."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cnngrader.course.authoring import Derived, derive_file
from cnngrader.course.course import Course
from cnngrader.course.fill import fill_answers
from cnngrader.course.leaks import find_leaks, secret_lines
from cnngrader.errors import CourseError

SOLUTIONS = "solutions"  # the course's reference answers, each a full-mark submission
NBGRADER_TIMEOUT = 300  # seconds; generate_assignment takes about two here


@dataclass(frozen=True)
class ReleaseReport:
    """What a release produced and how much of it was proven clean."""

    assignment: str
    release_dir: Path
    notebooks: tuple[Path, ...]
    secret_lines_checked: int
    derived: Derived | None = None
    solution: Path | None = None

    def __str__(self) -> str:
        names = ", ".join(p.name for p in self.notebooks)
        lines = [
            f"released {self.assignment} to {self.release_dir} ({names}); "
            f"none of {self.secret_lines_checked} solution and hidden-test lines reached it"
        ]
        if self.derived is not None and self.derived.added:
            lines.append(f"source {self.derived}")
        if self.solution is not None:
            lines.append(f"reference answers, as a submission: {self.solution}")
        return "\n".join(lines)


def release_assignment(*, course: Course, assignment: str) -> ReleaseReport:
    """Run ``nbgrader generate_assignment`` into the release folder and check it for leaks.

    Raises ``CourseError`` if the assignment's notebook and hidden tests disagree, nbgrader
    fails, or any solution or hidden-test line of the source notebook appears in the release.
    """
    spec = course.assignment(assignment)  # the grade cells and the hidden tests agree
    source_path = course.source_notebook(assignment)
    derived = derive_file(source_path, assignment)  # adds only: the questions stay as checked
    generate_assignment(course_folder=course.folder, course_root=course.root, assignment=assignment)
    released = course.release_dir(assignment) / spec.notebook
    checked = prove_clean(source_path, released)
    solution = write_solution(source_path, released, course.root / SOLUTIONS / spec.notebook)
    return ReleaseReport(assignment, released.parent, (released,), checked, derived, solution)


def generate_assignment(*, course_folder: Path, course_root: Path, assignment: str) -> None:
    """The real ``nbgrader generate_assignment --force``, run where ``nbgrader_config.py`` is."""
    command = [
        sys.executable, "-m", "nbgrader", "generate_assignment", assignment,
        "--force", f"--CourseDirectory.root={course_root}",
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=course_folder, capture_output=True, text=True, timeout=NBGRADER_TIMEOUT, check=False
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise CourseError(f"nbgrader generate_assignment {assignment} failed:\n{tail}")


def write_solution(source_path: Path, released_path: Path, target: Path) -> Path:
    """The released notebook with the reference answers typed into its answer cells: a submission
    with full marks, and nothing hidden in it (``solutions/<notebook>``)."""
    source = nbformat.read(source_path, as_version=4)
    filled = fill_answers(nbformat.read(released_path, as_version=4), source)
    text = nbformat.writes(filled) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return target


def prove_clean(source_path: Path, released_path: Path) -> int:
    """Raise ``CourseError`` on any leak of ``source_path`` into ``released_path``; count secrets."""
    if not released_path.is_file():
        raise CourseError(f"nbgrader did not write {released_path}")
    source_nb = nbformat.read(source_path, as_version=4)
    leaks = find_leaks(source_nb, nbformat.read(released_path, as_version=4), notebook=released_path.name)
    if leaks:
        listed = "\n".join(f"  {leak}" for leak in leaks[:20])
        raise CourseError(f"{len(leaks)} secret line(s) reached {released_path}:\n{listed}")
    return len(secret_lines(source_nb))
