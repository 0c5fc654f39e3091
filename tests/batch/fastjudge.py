"""The real judge with short wall-clock limits, so hostile notebooks that loop end in seconds."""

from __future__ import annotations

from typing import Any

from cnngrader.confine import Limits
from cnngrader.course import Course
from cnngrader.judge.check import Judge

LIMITS = Limits(cell_seconds=3.0, notebook_seconds=20.0, probe_seconds=5.0)


def make(*, course: Course, minimum_isolation: str | None = None) -> Any:
    return Judge(course=course, minimum_isolation=minimum_isolation, limits=LIMITS)
