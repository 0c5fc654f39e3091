"""Tiny courses for tests, written the way an instructor writes one: an ``nbgrader_config.py``, a
source notebook with nbgrader's grade cells, and hidden tests with ``question``/``points`` markers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cnngrader.course import Course

CONFIG = "c = get_config()\n"


def nbgrader_cell(source: str, **meta: Any) -> dict[str, Any]:
    base = {"grade": False, "locked": False, "schema_version": 3, "solution": False, "task": False}
    return {"cell_type": "code", "execution_count": None, "id": meta["grade_id"].replace("_", "-"),
            "metadata": {"nbgrader": {**base, **meta}}, "outputs": [], "source": source}  # fmt: skip


def source_notebook(
    assignment: str, questions: Mapping[str, float], answers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A source notebook: per question an answer cell (``<q>_answer``) and a graded hidden-test cell."""
    cells = []
    for qid, points in questions.items():
        answer = (answers or {}).get(qid, f"### BEGIN SOLUTION\n{qid} = None\n### END SOLUTION")
        cells.append(nbgrader_cell(answer, grade_id=f"{qid}_answer", solution=True))
        hidden = (f"### BEGIN HIDDEN TESTS\nfrom cnngrader.course.incell import grade_question\n"
                  f'grade_question("{assignment}", "{qid}", globals())\n### END HIDDEN TESTS')  # fmt: skip
        cells.append(nbgrader_cell(hidden, grade_id=qid, grade=True, locked=True, points=points))
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    metadata = {"kernelspec": kernel, "language_info": {"name": "python"}}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def write_course(
    root: Path,
    *,
    assignment: str,
    questions: Mapping[str, float],
    tests: Mapping[str, str],
    answers: Mapping[str, str] | None = None,
    config: str = "",
) -> Course:
    """Write a course with one assignment into ``root`` and open it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG + textwrap.dedent(config))
    source = root / "source" / assignment
    source.mkdir(parents=True, exist_ok=True)
    notebook = source_notebook(assignment, questions, answers)
    (source / f"{assignment}.ipynb").write_text(json.dumps(notebook, indent=1))
    suite = root / "autograder" / assignment
    suite.mkdir(parents=True, exist_ok=True)
    for name, text in tests.items():
        (suite / name).write_text(textwrap.dedent(text))
    return Course.open(root)


# -- running the real tools, as instructors and TAs do --------------------------------------------


def run_tool(folder: Path, *argv: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run a real command line (``cnngrader ...`` or ``nbgrader ...``) from ``folder``.

    The environment is this one without ``CNNGRADER_*`` variables: whatever the tool starts (workers,
    nbgrader's kernels) must find the course on its own.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("CNNGRADER_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    module = {"cnngrader": "cnngrader", "nbgrader": "nbgrader"}[argv[0]]
    return subprocess.run(
        [sys.executable, "-m", module, *argv[1:]],
        cwd=folder, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def must(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """The finished command, or a test failure that shows what it printed."""
    if done.returncode != 0:
        raise AssertionError(f"{done.args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def answered(release: Path, answers: Mapping[str, str]) -> dict[str, Any]:
    """The released notebook with these answer cells (``grade_id`` -> source) typed in."""
    notebook = json.loads(release.read_text())
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = textwrap.dedent(answers[grade_id])
    return notebook


def submit(folder: Path, notebook: Mapping[str, Any], name: str, timestamp: str | None = None) -> Path:
    """Hand in ``notebook`` as ``folder/name`` (with nbgrader's ``timestamp.txt`` when given)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(notebook, indent=1))
    if timestamp is not None:
        (folder / "timestamp.txt").write_text(timestamp)
    return folder / name


def gradebook_rows(db_url: str, assignment: str) -> dict[str, dict[str, Any]]:
    """What nbgrader's gradebook holds per student: auto scores per grade cell, penalty, score."""
    from nbgrader.api import Gradebook, MissingEntry

    rows: dict[str, dict[str, Any]] = {}
    with Gradebook(db_url) as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            scores = {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades}
            rows[student.id] = {
                "scores": scores,
                "penalty": round(float(sub.late_submission_penalty or 0.0), 6),
                "score": round(float(sub.score), 6),
                "timestamp": None if sub.timestamp is None else sub.timestamp.isoformat(),
            }
    return rows
