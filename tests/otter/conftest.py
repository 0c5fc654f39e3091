"""Each assignment built once per session with ``cnngrader otter``; every submission graded once.

Grading runs the real tools side by side (``otter run`` on Otter's zip, ``cnngrader check`` on
the same notebook), a few at a time, so the whole folder costs one pass over the submissions.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from otterkit import ROOT, RUN_TIMEOUT, check_json, gradescope_run, otter_run, read, write
from submissions import bad_files, hostile_zip, notebooks

ASSIGNMENTS = ("lab6", "quiz6")
PARALLEL = 3  # otter run waits on its kernel for much of its time


@dataclass(frozen=True)
class Build:
    """What ``cnngrader otter ID --to DIR`` wrote, and what it printed."""

    assignment: str
    dir: Path
    stdout: str

    @property
    def zip(self) -> Path:
        return self.dir / "autograder" / "autograder.zip"

    @property
    def student(self) -> Path:
        return self.dir / "student" / f"{self.assignment}.ipynb"

    @property
    def solutions(self) -> Path:
        return self.dir / "autograder" / f"{self.assignment}.ipynb"


@dataclass(frozen=True)
class Graded:
    """One submission as ``otter run`` (results.json) and ``cnngrader check --json`` saw it."""

    notebook: Path
    otter: dict[str, Any]
    check: dict[str, Any] | None


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    out = tmp_path_factory.mktemp("otter-builds")
    command = [sys.executable, "-m", "cnngrader", "otter"]
    running = {
        a: subprocess.Popen([*command, a, "--to", str(out / a)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for a in ASSIGNMENTS
    }  # fmt: skip
    built = {}
    for assignment, process in running.items():
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
        assert process.returncode == 0, stdout + stderr
        built[assignment] = Build(assignment, out / assignment, stdout)
    return built


@pytest.fixture(scope="session")
def graded(
    builds: dict[str, Build], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], Graded]:
    """Every submission of ``submissions.py``, graded by both tools: keyed by (assignment, name)."""
    work = tmp_path_factory.mktemp("otter-graded")
    jobs: dict[tuple[str, str], Callable[[], Graded]] = {}
    for assignment, build in builds.items():
        for name, nb in notebooks(assignment, read(build.student)).items():
            path = write(nb, work / assignment / name / f"{assignment}.ipynb")
            jobs[assignment, name] = _both(build.zip, path, assignment, work / assignment / name / "out")
    quiz = builds["quiz6"]
    hostile = hostile_zip(read(quiz.student), work / "hostile.zip")
    jobs["quiz6", "hostile"] = lambda: Graded(
        hostile, otter_run(quiz.zip, hostile, work / "hostile-out"), None
    )
    for name, files in bad_files(read(quiz.student)).items():
        jobs["quiz6", name] = _gradescope(quiz.zip, files, work / "gradescope" / name)
    with ThreadPoolExecutor(PARALLEL) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def _both(autograder_zip: Path, notebook: Path, assignment: str, out: Path) -> Callable[[], Graded]:
    return lambda: Graded(
        notebook, otter_run(autograder_zip, notebook, out), check_json(notebook, assignment)
    )


def _gradescope(autograder_zip: Path, files: dict[str, bytes], root: Path) -> Callable[[], Graded]:
    return lambda: Graded(root / "submission", gradescope_run(autograder_zip, files, root), None)
