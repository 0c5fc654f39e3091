"""The shipped course as the student library sees it: its assignments, read from the course folder."""

from __future__ import annotations

from pathlib import Path

from cnngrader.course import Assignment, Course

COURSE_ROOT = Path(__file__).resolve().parents[2]
COURSE = Course.open(COURSE_ROOT)
ASSIGNMENTS: dict[str, Assignment] = {a: COURSE.assignment(a) for a in COURSE.assignment_ids()}


def assignment(assignment_id: str) -> Assignment:
    return ASSIGNMENTS[assignment_id]
