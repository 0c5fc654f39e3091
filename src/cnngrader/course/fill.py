"""Answer a released notebook with the source's solutions, all or some of them (pure functions).

This is how ``solutions/`` is made: exactly what a student would hand in after typing the
reference answers into the released notebook's answer cells, nothing hidden included.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

from cnngrader.course.cells import SOLUTION_MARKERS, nbgrader_meta


def strip_markers(source: str) -> str:
    """The source of a solution cell with its ``### BEGIN/END SOLUTION`` lines removed."""
    return "\n".join(line for line in source.splitlines() if not any(m in line for m in SOLUTION_MARKERS))


def answer_sources(source_nb: Any) -> dict[str, str]:
    """Each answer cell's grade id and its solution, as a student would type it."""
    return {
        str(meta["grade_id"]): strip_markers(cell["source"])
        for cell in source_nb["cells"]
        if (meta := nbgrader_meta(cell)).get("solution")
    }


def fill_answers(release_nb: Any, source_nb: Any, *, only: Collection[str] | None = None) -> Any:
    """A copy of ``release_nb`` whose answer cells hold the solutions (``only`` these grade ids)."""
    solutions = answer_sources(source_nb)
    filled = copy.deepcopy(release_nb)
    for cell in filled["cells"]:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in solutions and (only is None or grade_id in only):
            cell["source"] = solutions[grade_id]
    return filled
