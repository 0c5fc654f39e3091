"""Tiny courses for tests, written the way an instructor writes one: an ``nbgrader_config.py``, a
source notebook with nbgrader's grade cells, and hidden tests with ``question``/``points`` markers."""

from __future__ import annotations

import json
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
