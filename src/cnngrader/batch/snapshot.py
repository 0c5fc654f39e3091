"""The gradebook's auto scores for one assignment, read without importing nbgrader.

``import nbgrader.api`` costs about 1.6 s here (the package imports its server extensions), more
than everything else an idle rerun does. So a rerun reads nbgrader's SQLite tables directly,
read-only, to learn whether anything must be written; all writes go through nbgrader's API.
Any surprise (another database, another schema) answers None: then the API path is used.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from cnngrader.batch.state import Record
from cnngrader.course.course import Course

TOLERANCE = 1e-9

# nbgrader 0.9's schema: grade -> submitted_notebook -> submitted_assignment -> assignment,
# grade -> base_cell (the grade cell's name), submitted_notebook -> notebook (its name).
_SCORES = """
SELECT sa.student_id, bc.name, g.auto_score
FROM grade g
JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id
JOIN notebook n ON sn.notebook_id = n.id
JOIN base_cell bc ON g.cell_id = bc.id
WHERE a.name = ? AND n.name = ? AND bc.type = 'GradeCell'
"""
_CELLS = """
SELECT bc.name FROM base_cell bc
JOIN notebook n ON bc.notebook_id = n.id
JOIN assignment a ON n.assignment_id = a.id
WHERE a.name = ? AND n.name = ? AND bc.type = 'GradeCell'
"""


@dataclass(frozen=True)
class Snapshot:
    """Grade cells of the assignment's notebook, and each student's auto score per cell."""

    cells: frozenset[str]
    scores: dict[str, dict[str, float | None]]

    def in_sync(self, record: Record) -> bool:
        """Whether the gradebook already holds this record's scores (for cells it knows)."""
        if not self.cells or record.student not in self.scores:
            return False
        held = self.scores[record.student]
        for question, score in record.scores().items():
            if question not in self.cells:
                continue
            auto = held.get(question)
            if auto is None or abs(auto - score) > TOLERANCE:
                return False
        return True

    def stale(self, records: Iterable[Record]) -> list[Record]:
        return [r for r in records if not self.in_sync(r)]


def read_snapshot(course: Course, assignment: str, notebook: str) -> Snapshot | None:
    """The gradebook's state, or None when only nbgrader's API can tell (not SQLite, odd schema)."""
    path = course.db_path
    if path is None:
        return None
    if not path.exists():
        return Snapshot(frozenset(), {})
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error:
        return None
    try:
        cells = frozenset(row[0] for row in db.execute(_CELLS, (assignment, notebook)))
        scores: dict[str, dict[str, float | None]] = {}
        for student, cell, auto in db.execute(_SCORES, (assignment, notebook)):
            scores.setdefault(student, {})[cell] = auto
    except sqlite3.Error:
        return None
    finally:
        db.close()
    return Snapshot(cells, scores)
