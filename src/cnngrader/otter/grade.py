"""Grade one submission inside an autograder: always a Result, never an exception.

Inside Gradescope an exception means a student without a result, so every failure becomes a
Result that scores each question 0 and says why, and the traceback goes to the log that only
instructors see.
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.course.students import id_problem
from cnngrader.errors import UsageError
from cnngrader.otter.course import course_questions
from cnngrader.results import QuestionResult, Result

NOT_GRADED = IsolationLevel.NONE  # the isolation of a result no sandbox produced


@dataclass(frozen=True)
class GradingSettings:
    """What the autograder grades: the assignment, the course folder, the isolation it requires."""

    assignment: str
    course: str = "course"  # relative to the zip's ``files`` folder
    minimum_isolation: str | None = None

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GradingSettings:
        """From the plugin's entry in ``otter_config.json``."""
        if not isinstance(config, dict) or not isinstance(config.get("assignment"), str):
            raise UsageError(
                f"the cnngrader plugin needs an 'assignment' in its configuration, got {config!r}"
            )
        return cls(
            assignment=config["assignment"],
            course=str(config.get("course", "course")),
            minimum_isolation=config.get("minimum_isolation"),
        )

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"assignment": self.assignment, "course": self.course}
        if self.minimum_isolation:
            config["minimum_isolation"] = self.minimum_isolation
        return config


def gradescope_student(metadata: Any) -> str | None:
    """The submitter's student id as Gradescope's roster has it (``users[0].sid`` of
    ``submission_metadata.json``), or None: no metadata (``otter run``), a group, no usable id.

    Where an assignment draws numbers per student, the verdict is for this id, not for the id the
    notebook states, which anyone can copy along with a classmate's answers.
    """
    users = metadata.get("users") if isinstance(metadata, dict) else None
    if not isinstance(users, list) or len(users) != 1 or not isinstance(users[0], dict):
        return None
    sid = users[0].get("sid")
    if not isinstance(sid, str) or id_problem(sid) is not None:
        return None
    return sid.strip()


def grade_submission(
    *, path: Path, settings: GradingSettings, course_root: Path, seed: int | None, student: str | None = None
) -> Result:
    """cnngrader's verdict on ``path``; a problem of the grader itself becomes a 0 that says so.

    ``student``: whose variant to grade (Gradescope's id of the submitter); None: the id the
    notebook states, else the canonical variant, as ``cnngrader check`` decides.
    """
    try:
        from cnngrader.course.course import Course
        from cnngrader.judge.check import check_notebook

        return check_notebook(
            path=path, assignment=settings.assignment, course=Course.open(course_root),
            seed=seed, minimum_isolation=settings.minimum_isolation, student=student,
        )  # fmt: skip
    except Exception as exc:  # any failure still owes the student a result
        traceback.print_exc(file=sys.stderr)
        why = (
            f"the grader could not grade {path.name} ({type(exc).__name__}: {exc}); "
            "your instructor can see the details"
        )
        return zero_result(settings=settings, course_root=course_root, notebook=str(path), why=why)


def zero_result(*, settings: GradingSettings, course_root: Path, notebook: str, why: str) -> Result:
    """Every question of the assignment at 0 points, and the reason."""
    questions = course_questions(course_root=course_root, assignment=settings.assignment)
    graded = tuple(QuestionResult(q.id, 0.0, q.points) for q in questions)
    total = sum(q.points for q in questions)
    return Result(settings.assignment, notebook, 0.0, total, NOT_GRADED, graded, (why,))
