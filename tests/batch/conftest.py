"""Fixtures of the batch tests: a fresh tiny course, and grading it with the fake judge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cnngrader.batch.grade import grade_assignment
from cnngrader.batch.summary import BatchReport
from cnngrader.course import Course

from .batchkit import ASSIGNMENT, FAKE_JUDGE, fake_judge_env, make_course


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course")


@pytest.fixture
def fake_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Workers started from this test can import the fake judge."""
    env = fake_judge_env()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def grade(course: Path, fake_env: dict[str, str]) -> Callable[..., BatchReport]:
    """grade_assignment on the tiny course with the fake judge, quietly, on one worker unless told."""

    def run(**options: Any) -> BatchReport:
        settings: dict[str, Any] = {"jobs": 1, "echo": False, "judge": FAKE_JUDGE, **options}
        return grade_assignment(course=Course.open(course), assignment=ASSIGNMENT, **settings)

    return run
