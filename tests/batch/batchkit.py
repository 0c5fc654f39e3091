"""A tiny nbgrader course for the batch tests: quiz6 (ten 1-point questions), built from scratch.

Real enough for the real judge (hidden tests are ordinary pytest files using ``sub.value``) and
for nbgrader (the source notebook carries nbgrader cell metadata), and small enough to build in
every test's tmp folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "quiz6"
QUESTIONS = tuple(f"q{i}" for i in range(1, 11))
RIGHT = {
    "q1": '"C"', "q2": '{"C"}', "q3": "84", "q4": "(1, 1, 96, 96)", "q5": "25",
    "q6": "(26, 26)", "q7": "(8, 3, 5, 5)", "q8": "[[7, 9], [8, 4]]", "q9": "20001", "q10": '"B"',
}  # fmt: skip
WRONG = {
    "q1": '"A"', "q2": '{"A", "C"}', "q3": "81", "q4": "(1, 1, 95, 95)", "q5": "50",
    "q6": "(25, 25)", "q7": "(3, 8, 5, 5)", "q8": "[[7, 9], [8, 5]]", "q9": "20087", "q10": '"A"',
}  # fmt: skip
NORMALISER = {
    "q1": "as_letter", "q2": "as_letters", "q3": "as_int", "q4": "as_shape", "q5": "as_int",
    "q6": "as_shape", "q7": "as_shape", "q8": "as_nested", "q9": "as_int", "q10": "as_letter",
}  # fmt: skip
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
FAKE_JUDGE = "fakejudge:FakeJudge"
HERE = Path(__file__).resolve().parent

CONFIG = """from pathlib import Path
c = get_config()  # noqa: F821
ROOT = Path(__file__).resolve().parent
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.db_url = f"sqlite:///{ROOT / 'gradebook.db'}"
"""


def hidden_test(question: str, answer: str) -> str:
    normal = NORMALISER[question]
    return f'''"""Hidden test of {question} (a test fixture)."""

import pytest

from cnngrader.answers import {normal}

pytestmark = pytest.mark.question("{question}")
ANSWER = {answer}


@pytest.mark.points(1)
def test_{question}(sub):
    """{question}: the right answer"""
    got = {normal}(sub.value("{question}"), "{question}")
    assert got == {normal}(ANSWER, "the answer"), "{question} is not the right answer"
'''


def make_course(root: Path) -> Path:
    """Config, source notebook and hidden tests of quiz6 under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG)
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(), source / f"{ASSIGNMENT}.ipynb")
    for q in QUESTIONS:
        set_hidden_answer(root, q, RIGHT[q])
    return root


def set_hidden_answer(root: Path, question: str, answer: str) -> None:
    tests = root / "autograder" / ASSIGNMENT
    tests.mkdir(parents=True, exist_ok=True)
    (tests / f"test_{question}.py").write_text(hidden_test(question, answer))


def _meta(grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict[str, object]:
    meta: dict[str, object] = {"grade": grade, "grade_id": grade_id, "locked": not solution,
                               "schema_version": 3, "solution": solution, "task": False}  # fmt: skip
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> nbformat.NotebookNode:
    cells = [new_markdown_cell("# Quiz 6 (test fixture)")]
    for q in QUESTIONS:
        answer = f"### BEGIN SOLUTION\n{q} = {RIGHT[q]}\n### END SOLUTION"
        cells.append(new_code_cell(answer, metadata=_meta(f"{q}_answer", solution=True, grade=False)))
        cells.append(
            new_code_cell(
                f"# {q} is graded by hidden tests", metadata=_meta(q, solution=False, grade=True, points=1)
            )
        )
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def student_notebook(answers: Mapping[str, str | None], *, extra: str = "") -> nbformat.NotebookNode:
    """The released quiz answered with ``answers`` (question -> code of the value; None: the stub)."""
    nb = source_notebook()
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("_answer"):
            q = grade_id.removesuffix("_answer")
            value = answers.get(q)
            cell.source = STUB if value is None else f"{q} = {value}"
    if extra:
        nb.cells.insert(1, new_code_cell(extra))
    return nb


def answers(*, wrong: tuple[str, ...] = (), missing: tuple[str, ...] = ()) -> dict[str, str | None]:
    out: dict[str, str | None] = {q: (WRONG[q] if q in wrong else RIGHT[q]) for q in QUESTIONS}
    out.update({q: None for q in missing})
    return out


def submit(
    root: Path, student: str, content: nbformat.NotebookNode | bytes, *, timestamp: str | None = None
) -> Path:
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ASSIGNMENT}.ipynb"
    data = content if isinstance(content, bytes) else nbformat.writes(content).encode()
    path.write_bytes(data)
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp)
    return path


def expected_score(ans: Mapping[str, str | None]) -> float:
    return float(sum(1 for q in QUESTIONS if ans.get(q) == RIGHT[q]))


NBFORMAT3 = json.dumps(
    {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
).encode()


def fake_judge_env() -> dict[str, str]:
    """The environment a worker needs to import the fake judge."""
    path = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(HERE), path) if p)}
