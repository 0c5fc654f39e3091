"""nbgrader's view of a notebook's cells: which are answers, which are graded, and their points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


@dataclass(frozen=True)
class GradeCell:
    """An autograded cell as nbgrader scores it: its grade id and points."""

    grade_id: str
    points: float


def nbgrader_meta(cell: Any) -> dict[str, Any]:
    """The cell's ``metadata.nbgrader`` dict, empty for a cell nbgrader does not manage."""
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def grade_cells(nb: Any) -> list[GradeCell]:
    """The cells nbgrader gives points to, in notebook order."""
    out = []
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            out.append(GradeCell(str(meta["grade_id"]), float(meta["points"])))
    return out


def solution_ids(nb: Any) -> list[str]:
    """Grade ids of the cells where students write answers, in notebook order."""
    return [str(m["grade_id"]) for c in nb["cells"] if (m := nbgrader_meta(c)).get("solution")]
