"""Helpers for the course tests: the repository as a course, copies of it, and real nbgrader runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ("lab6", "quiz6")


def read_nb(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def source_nb(assignment: str) -> Any:
    return read_nb(REPO / "source" / assignment / f"{assignment}.ipynb")


def release_nb(assignment: str) -> Any:
    return read_nb(REPO / "release" / assignment / f"{assignment}.ipynb")


def solution_nb(assignment: str) -> Any:
    return read_nb(REPO / "solutions" / f"{assignment}.ipynb")


def copy_course(dst: Path, *, with_release: bool = False) -> Path:
    """What an instructor's checkout holds (config, sources, hidden tests), copied to ``dst``."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", dst / "nbgrader_config.py")
    folders = ["source", "autograder", *(["release"] if with_release else [])]
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for folder in folders:
        shutil.copytree(REPO / folder, dst / folder, ignore=ignore)
    return dst


def nbgrader(course: Path, *args: str, timeout: float = 600) -> float:
    """Run the real nbgrader CLI in ``course``; fail the test with its log if it fails. Seconds taken."""
    # The kernels nbgrader starts inherit this environment: they must find *this* course on their own.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CNNGRADER_")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start


def exec_answers(nb: Any) -> dict[str, Any]:
    """Run a notebook's setup and answer cells in a fresh namespace (no demos, no checks)."""
    namespace: dict[str, Any] = {}
    for cell in nb.cells:
        wanted = "setup" in cell.metadata.get("tags", []) or cell.metadata.get("nbgrader", {}).get("solution")
        if cell.cell_type == "code" and wanted:
            exec(compile(cell.source, f"<{cell.get('id', 'cell')}>", "exec"), namespace)
    return namespace


@pytest.fixture(scope="session")
def lab6_solution() -> dict[str, Any]:
    """The names the reference answers of lab6 define."""
    return exec_answers(solution_nb("lab6"))


@pytest.fixture(scope="session")
def quiz6_solution() -> dict[str, Any]:
    """The quiz answers of the reference solution."""
    return exec_answers(solution_nb("quiz6"))
