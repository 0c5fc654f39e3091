"""What an instructor's source notebook leaves implicit, derived by adding only.

The instructor's source of truth is ``source/<id>/<id>.ipynb``, edited in Jupyter with nbgrader's
Create Assignment toolbar. Before a release, :func:`derive` fills in what must be there but is
tedious to type, and never changes a value the instructor set:

- a stable ``id`` for every cell that has none (nbformat 4.5), from the grade id where there is one;
- nbgrader's metadata keys an autograded cell or answer cell lacks (``schema_version``, ``locked``
  on autograded cells, ``task``...), with nbgrader's own defaults;
- the hidden-test call in an autograded cell that has none (an instructor may leave the cell
  empty, or write only the comment students see).

Pure functions over notebook JSON; :func:`derive_file` writes the file back only if it added
something. The points are cross-checked against the hidden tests by the course itself
(:mod:`cnngrader.course.assignments`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnngrader.course.assignments import cell_source, nbgrader_meta
from cnngrader.errors import CourseError

SCHEMA_VERSION = 3
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CALL = re.compile(r"\bgrade_question\s*\(")
_ID = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Derived:
    """What :func:`derive` added to one notebook, in words for the instructor."""

    notebook: Path
    added: tuple[str, ...]

    def __str__(self) -> str:
        if not self.added:
            return f"{self.notebook.name}: nothing to add"
        return f"{self.notebook.name}: added " + "; ".join(self.added)


def hidden_call(assignment: str, question: str) -> str:
    """The published hidden-cell call, as an autograded cell of this course holds it."""
    return "\n".join([
        HIDDEN_BEGIN,
        "from cnngrader.course.incell import grade_question",
        f'grade_question("{assignment}", "{question}", globals())',
        HIDDEN_END,
    ])  # fmt: skip


def derive(notebook: dict[str, Any], assignment: str) -> list[str]:
    """Add what is missing to ``notebook`` (in place); what was added, in words."""
    added: list[str] = []
    cells = notebook.get("cells", [])
    taken = {c.get("id") for c in cells if isinstance(c.get("id"), str)}
    for index, cell in enumerate(cells):
        meta = nbgrader_meta(cell)
        if "id" not in cell:
            cell["id"] = _fresh_id(meta.get("grade_id") or f"{assignment}-{index:02d}", taken)
            added.append(f"cell {index + 1}: id {cell['id']!r}")
        if meta:
            added += _complete(cell, index, assignment)
    if added and notebook.get("nbformat_minor", 0) < 5:
        notebook["nbformat_minor"] = 5  # cell ids need nbformat 4.5
    return added


def _complete(cell: dict[str, Any], index: int, assignment: str) -> list[str]:
    meta = cell["metadata"]["nbgrader"]
    graded = bool(meta.get("grade")) and not meta.get("solution")
    defaults: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "grade": False, "solution": False,
                                "task": False, "locked": graded}  # fmt: skip
    added = []
    for key, value in defaults.items():
        if key not in meta:
            meta[key] = value
            added.append(f"cell {index + 1}: nbgrader {key}={json.dumps(value)}")
    if graded and meta.get("grade_id") and not CALL.search(cell_source(cell)):
        source = cell_source(cell).rstrip("\n")
        cell["source"] = (source + "\n" if source else "") + hidden_call(assignment, str(meta["grade_id"]))
        added.append(f"cell {index + 1}: the hidden-test call of {meta['grade_id']!r}")
    return added


def _fresh_id(base: str, taken: set[Any]) -> str:
    stem = _ID.sub("-", str(base)).strip("-")[:60] or "cell"
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate)
    return candidate


def derive_file(path: Path, assignment: str) -> Derived:
    """:func:`derive` on a notebook file, written back by nbformat only if something was added."""
    import nbformat

    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as exc:  # the instructor's file: say which and why
        raise CourseError(f"{path} cannot be read as a notebook: {type(exc).__name__}: {exc}") from None
    added = derive(notebook, assignment)
    if added:
        nbformat.write(notebook, path)
    return Derived(path, tuple(added))
