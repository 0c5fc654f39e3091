"""Student notebooks made from a released notebook: its solution cells replaced by answers."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from cnngrader.course.cells import nbgrader_meta

ANSWER_SUFFIX = "_answer"
STUDENT_ID_STUB = 'STUDENT_ID = ""'

# What a student's laptop left behind when it died mid-save: not JSON, so no notebook at all.
UNREADABLE = (
    b'{\n "cells": [\n  {\n   "cell_type": "code",\n   "source": ["def conv_output_size(input_size, k'
)


def release_path(course_root: Path, assignment: str) -> Path:
    return Path(course_root) / "release" / assignment / f"{assignment}.ipynb"


def read_release(course_root: Path, assignment: str) -> NotebookNode:
    """The released (student) version of ``assignment``, as nbgrader generated it."""
    return nbformat.read(release_path(course_root, assignment), as_version=4)


def answer_cells(nb: NotebookNode) -> dict[str, NotebookNode]:
    """Question id -> its solution cell (grade id ``<question>_answer``)."""
    cells = {}
    for cell in nb.cells:
        gid = str(nbgrader_meta(cell).get("grade_id", ""))
        if gid.endswith(ANSWER_SUFFIX):
            cells[gid[: -len(ANSWER_SUFFIX)]] = cell
    return cells


def fill(release: NotebookNode, answers: Mapping[str, str | None]) -> NotebookNode:
    """A copy of ``release`` with each question's solution cell replaced (``None``: stub kept)."""
    nb = copy.deepcopy(release)
    cells = answer_cells(nb)
    missing = sorted(set(answers) - set(cells))
    if missing:
        raise ValueError(f"the released notebook has no solution cell for {', '.join(missing)}")
    for question, source in answers.items():
        if source is not None:
            cells[question].source = source
    _fix_cell_ids(nb)
    return nb


def state_student(nb: NotebookNode, student: str) -> NotebookNode:
    """``nb`` with ``STUDENT_ID`` set to ``student`` in the cell that asks for it."""
    asking = [c for c in nb.cells if c.cell_type == "code" and STUDENT_ID_STUB in c.source]
    if len(asking) != 1:
        raise ValueError(f"the notebook should ask for the student id once ({STUDENT_ID_STUB!r})")
    asking[0].source = asking[0].source.replace(STUDENT_ID_STUB, f"STUDENT_ID = {student!r}")
    return nb


def _fix_cell_ids(nb: NotebookNode) -> None:
    """Stable ids where a cell has none, so that writing never invents random ones."""
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        return
    for i, cell in enumerate(nb.cells):
        cell.setdefault("id", f"cell-{i}")


def write(nb: NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def write_unreadable(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(UNREADABLE)
