"""The sample course, graded once per test session by the real ``cnngrader grade``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .kit import REPO

SAMPLE = REPO / "examples" / "sample-course" / "submitted"


def cnngrader(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "cnngrader", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course with the sample students' submissions, graded for lab6 and quiz6 (as tools/demo.sh)."""
    course = tmp_path_factory.mktemp("graded") / "course"
    course.mkdir()
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for folder in ("source", "release", "autograder"):
        shutil.copytree(REPO / folder, course / folder, ignore=ignore)
    shutil.copytree(SAMPLE, course / "submitted")
    for assignment in ("lab6", "quiz6"):
        done = cnngrader("grade", assignment, cwd=course)
        assert done.returncode == 0, done.stderr
    return course
