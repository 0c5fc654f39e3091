"""The engine names no assignment, question or lecture figure: the course is data.

Per-student variants live with the course (``autograder/<id>/variant.py``); ``src/`` only plumbs
the student through. Read from the syntax of every module (docstrings and comments may give
examples; code may not).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cnngrader.course import Course

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course.open(ROOT)
NAMES = set(COURSE.assignment_ids()) | {
    q.id for a in COURSE.assignment_ids() for q in COURSE.assignment(a).questions
}
FIGURES = {1337, 1250, 1251, 3600, 20000, 20001, 20087, 49152, 49519, 4238337}  # the lecture's and the lab's


def code_constants(path: Path) -> list[tuple[int, object]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and id(node) not in docstrings
    ]


def test_no_module_of_the_engine_names_the_course() -> None:
    assert {"quiz6", "lab6", "linear_in_features", "q3"} <= NAMES
    found = []
    for path in sorted((ROOT / "src" / "cnngrader").rglob("*.py")):
        for line, value in code_constants(path):
            named = isinstance(value, str) and (
                value in NAMES or re.search(r"\b(lab6|quiz6)\b", value) is not None
            )
            figure = isinstance(value, int) and not isinstance(value, bool) and value in FIGURES
            if named or figure:
                found.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    assert not found, "\n".join(found)
