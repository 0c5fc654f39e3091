"""Builders for the four kinds of cells an nbgrader source notebook of this course is made of."""

from __future__ import annotations

import textwrap

import nbformat
from nbformat.notebooknode import NotebookNode

SCHEMA_VERSION = 3  # nbgrader 0.9's cell metadata schema
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _text(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def markdown(text: str) -> NotebookNode:
    """A prose cell: the prompt that teaches."""
    return nbformat.v4.new_markdown_cell(_text(text))


def code(text: str, *, role: str = "setup") -> NotebookNode:
    """An ordinary code cell, tagged with its role (setup, check, demo) for readers and tests."""
    return nbformat.v4.new_code_cell(_text(text), metadata={"tags": [role]})


def answer(question_id: str, text: str) -> NotebookNode:
    """The one cell where the student answers ``question_id``; its solution region becomes a stub."""
    meta = {
        "grade": False,
        "grade_id": f"{question_id}_answer",
        "locked": False,
        "schema_version": SCHEMA_VERSION,
        "solution": True,
        "task": False,
    }
    return nbformat.v4.new_code_cell(_text(text), metadata={"nbgrader": meta})


def graded(assignment: str, question_id: str, points: float) -> NotebookNode:
    """The locked, autograded cell of a question: a visible comment and the hidden test call.

    The call is the cell's last expression, so its float becomes the ``execute_result`` that
    nbgrader reads as partial credit.
    """
    unit = "point" if points == 1 else "points"
    source = "\n".join(
        [
            f"# Hidden tests grade this question ({points:g} {unit}) when your notebook is collected.",
            "### BEGIN HIDDEN TESTS",
            "from cnngrader.course.incell import grade_question",
            f'grade_question("{assignment}", "{question_id}", globals())',
            "### END HIDDEN TESTS",
        ]
    )
    meta = {
        "grade": True,
        "grade_id": question_id,
        "locked": True,
        "points": points,
        "schema_version": SCHEMA_VERSION,
        "solution": False,
        "task": False,
    }
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta})


def notebook(name: str, cells: list[NotebookNode]) -> NotebookNode:
    """A notebook with stable cell ids (nbformat would draw random ones) and a python3 kernel."""
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for index, cell in enumerate(nb.cells):
        cell.id = f"{name}-{index:02d}"
    nbformat.validate(nb)
    return nb
