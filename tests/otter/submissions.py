"""The submissions the Otter tests grade, typed into the Otter student notebook that the build wrote."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import dill
from otterkit import (
    answer_indexes,
    edited,
    solution_answers,
    stating,
    typed,
    variant_answers,
    without_cells,
)

# Typical mistakes, each one a different question (answer number -> edits of the right answer).
# Where a right answer computes from the student's drawn numbers (``MINE``), its mistake is one in
# the working, not a different number; with no id stated, the canonical numbers are the graded
# ones (lab6 q7 3600 -> 57600, quiz6 q1 "C" -> "A", q3 84 -> 81, q8 [[7, 9], [8, 4]] -> [[1, 1], [2, 1]]).
WRONG: dict[str, dict[int, tuple[tuple[str, str], ...]]] = {
    "lab6": {
        1: (("(windows * kernel)", "(windows * kernel.flip(0, 1))"),),  # a convolution, not nn.Conv2d's
        4: (("padding=1", "padding=0"), ("nn.Linear(1250, 1)", "nn.Linear(1058, 1)")),
        6: (("padding=_padding) // 2", "padding=_padding)"),),  # the two poolings forgotten
    },
    "quiz6": {
        0: (("(_n - _k + 1, _n - _k + 1)", "(_n, _n)"),),  # the output keeps the input's size
        2: ((" + 1)", ")"),),  # the biases forgotten
        7: (("max(", "min("),),  # the smallest of each window
    },
}
STUDENT = "s1234567"  # a student who states their id in the Otter notebook

# What a submission could do to Otter's own grading: each line makes stock Otter report 10/10.
PAYLOAD = (
    "import otter.test_files as t\n"
    "t.GradingResults.to_gradescope_dict = lambda self, c: {'score': 10, 'tests': [], 'output': 'pwned'}\n"
)
HIJACK = f"[exec({PAYLOAD!r}), __import__('otter.test_files', fromlist=['_']).GradingResults([])][1]"
PATCH_CELL = f"""import pickle, otter
class _Hijack:
    def __reduce__(self):
        return (eval, ({HIJACK!r},))
_dump = pickle.dump
pickle.dump = lambda obj, f, *args, **kwargs: _dump(_Hijack(), f)  # Otter pickles its results
otter.Notebook.check = lambda *args, **kwargs: None
"""
FAKE_OTTER = {  # imported by Otter's kernel instead of otter if it starts in the submission folder
    "otter/__init__.py": "class Notebook:\n    @classmethod\n    def init_grading_mode(cls, *a): pass\n",
    "otter/logging.py": "DEBUG = 10\ndef set_level(*a): pass\ndef send_logs(*a): pass\n",
    "otter/execute.py": (
        "class Checker:\n"
        "    @staticmethod\n    def check_if_not_already_checked(*a): pass\n"
        "    @staticmethod\n    def get_results(): return []\n"
    ),
    "otter/test_files.py": (
        f"class GradingResults:\n    def __init__(self, *a): pass\n"
        f"    def __reduce__(self): return (eval, ({HIJACK!r},))\n"
    ),
}


class _Hijack:
    def __reduce__(self) -> tuple[Any, ...]:
        return (eval, (HIJACK,))


def notebooks(assignment: str, student: Any) -> dict[str, Any]:
    """Right, wrong, half-done and blank answers typed into ``student``, and Otter-specific oddities."""
    right = solution_answers(assignment)
    assert len(right) == len(answer_indexes(student)), "one Otter answer cell per nbgrader answer cell"
    wrong = {k: edited(source, *WRONG[assignment].get(k, ())) for k, source in enumerate(right)}
    out = {
        "right": typed(student, dict(enumerate(right))),
        "wrong": typed(student, wrong),
        "half": typed(student, {k: right[k] for k in range(len(right) // 2)}),
        "blank": student,
    }
    if assignment == "lab6":  # mistakes, and Otter's check cells and export cell deleted
        out["wrong"] = without_cells(out["wrong"], "grader.check(", "grader.export(")
    else:
        out["empty"] = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        out.update(own_numbers(assignment, student, right))
    return out


def own_numbers(assignment: str, student: Any, right: list[str]) -> dict[str, Any]:
    """A student's own answers (``cnngrader variant``) with their id stated, and without it; and the
    solutions, which compute from the numbers the notebook's setup cells draw for the stated id."""
    own = typed(student, dict(enumerate(variant_answers(assignment, STUDENT))))
    return {
        "stated": stating(own, STUDENT),
        "unstated": own,
        "stated_solutions": stating(typed(student, dict(enumerate(right))), STUDENT),
    }


def hostile_zip(student: Any, path: Path) -> Path:
    """A blank quiz that attacks Otter three ways: a cell, a fake ``otter`` package, a pickled log."""
    nb = json.loads(json.dumps(student))
    nb["cells"].insert(1, {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                           "source": PATCH_CELL})  # fmt: skip
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("quiz6.ipynb", json.dumps(nb))
        for name, source in FAKE_OTTER.items():
            zf.writestr(name, source)
        zf.writestr(".OTTER_LOG", dill.dumps(_Hijack()))
    return path


def bad_files(student: Any) -> dict[str, dict[str, bytes]]:
    """Submissions Otter cannot even open: Gradescope still needs a result for each."""
    notebook = json.dumps(student).encode()
    return {
        "not_a_notebook": {"quiz6.ipynb": b"print('my answers are in my head')\n"},
        "two_notebooks": {"quiz6.ipynb": notebook, "quiz6-copy.ipynb": notebook},
        "no_notebook": {"answers.txt": b"q1 = 'C'\n"},
    }
