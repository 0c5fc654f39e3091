"""Where a course keeps what the judge needs (light: no torch, so the CLI can check it first)."""

from __future__ import annotations

from pathlib import Path

from cnngrader.errors import CourseError


def course_folder(course_root: Path) -> Path:
    """The course root, resolved; a CourseError if it has no hidden tests folder."""
    root = Path(course_root).resolve()
    if not (root / "autograder").is_dir():
        raise CourseError(
            f"{root} is not a cnngrader course: it has no autograder/ folder "
            "(run the command from the course folder, or pass --course DIR)"
        )
    return root
