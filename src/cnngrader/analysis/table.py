"""``items.csv``: one row per question, the numbers of the page's question table."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from cnngrader.analysis.items import ItemStats

COLUMNS = ("question", "max_score", "mean", "difficulty", "discrimination", "students", "not_attempted",
           "errors")  # fmt: skip


def items_csv(items: Sequence[ItemStats]) -> str:
    """The CSV text; a statistic that cannot be computed is an empty cell (the page says why)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i in items:
        writer.writerow([i.question, _number(i.max_score), _number(i.mean), _number(i.difficulty),
                         _number(i.discrimination.value), i.students, i.not_attempted, i.errors])  # fmt: skip
    return out.getvalue()


def _number(x: float | None) -> str:
    return "" if x is None else repr(round(float(x), 6))
