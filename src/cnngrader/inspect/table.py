"""The student's layers beside the expected ones, as text (terminals, messages) and HTML (feedback).

Rows are aligned by operation (``difflib``), so a missing ReLU shows as one gap rather than as
every later row being different; rows that differ are marked.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Sequence
from dataclasses import dataclass

from cnngrader.inspect.steps import Step, format_shape

__all__ = ["Row", "layer_rows", "layer_table_html", "layer_table_text"]

_HEAD = ("operation", "hyperparameters", "output shape", "parameters")
_MARK = "≠"


@dataclass(frozen=True)
class Row:
    """One line of the table: a student step, the expected step, or both side by side."""

    found: Step | None
    expected: Step | None

    @property
    def differs(self) -> bool:
        if self.found is None or self.expected is None:
            return True
        return not self.found.same_operation(self.expected) or self.found.shape != self.expected.shape


def layer_rows(found: Sequence[Step], expected: Sequence[Step] | None = None) -> tuple[Row, ...]:
    """Student steps paired with expected steps (aligned by operation), or alone without a reference."""
    if expected is None:
        return tuple(Row(step, None) for step in found)
    matcher = difflib.SequenceMatcher(None, [s.op for s in expected], [s.op for s in found], autojunk=False)
    rows: list[Row] = []
    for _tag, e0, e1, f0, f1 in matcher.get_opcodes():
        for k in range(max(e1 - e0, f1 - f0)):
            exp = expected[e0 + k] if e0 + k < e1 else None
            got = found[f0 + k] if f0 + k < f1 else None
            rows.append(Row(got, exp))
    return tuple(rows)


def _cells(step: Step | None) -> tuple[str, str, str, str]:
    if step is None:
        return ("", "", "", "")
    return (step.op, step.settings(), format_shape(step.shape), f"{step.parameters:,}")


def _total(steps: Sequence[Step], given: int | None) -> str:
    return f"{(sum(s.parameters for s in steps) if given is None else given):,}"


def layer_table_text(
    found: Sequence[Step],
    expected: Sequence[Step] | None = None,
    *,
    found_total: int | None = None,
    expected_total: int | None = None,
) -> str:
    """A fixed-width table; totals are the sums of the rows unless the model's own totals are given."""
    rows = layer_rows(found, expected)
    lines: list[tuple[str, ...]] = [("", "#", *_HEAD) + ((" ", *_HEAD) if expected is not None else ())]
    for n, row in enumerate(rows, 1):
        mark = _MARK if expected is not None and row.differs else ""
        cells = (mark, str(n), *_cells(row.found))
        lines.append(cells + (("|", *_cells(row.expected)) if expected is not None else ()))
    total: tuple[str, ...] = ("", "", "total", "", "", _total(found, found_total))
    if expected is not None:
        total += ("|", "total", "", "", _total(expected, expected_total))
    widths = [max(len(line[c]) for line in [*lines, total]) for c in range(len(total))]
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    rendered = [_line(line, widths) for line in lines]
    return "\n".join([rendered[0], rule, *rendered[1:], rule, _line(total, widths)])


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    right = {5, 10}  # parameter counts line up on the right
    parts = [
        c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    ]
    return "  ".join(parts).rstrip()


def layer_table_html(
    found: Sequence[Step],
    expected: Sequence[Step] | None = None,
    *,
    found_total: int | None = None,
    expected_total: int | None = None,
) -> str:
    """The same table as HTML for feedback pages (class ``cnngrader-layers``; differing rows ``differs``)."""
    rows = layer_rows(found, expected)
    both = expected is not None
    head = "".join(f"<th>{h}</th>" for h in ("#", *_HEAD, *(_HEAD if both else ())))
    group = '<tr><th></th><th colspan="4">your model</th><th colspan="4">expected</th></tr>' if both else ""
    body = []
    for n, row in enumerate(rows, 1):
        cells = [str(n), *_cells(row.found), *(_cells(row.expected) if both else ())]
        css = ' class="differs"' if both and row.differs else ""
        body.append(f"<tr{css}>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    totals = ["", "total", "", "", _total(found, found_total)]
    if both and expected is not None:
        totals += ["total", "", "", _total(expected, expected_total)]
    foot = "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in totals) + "</tr>"
    return (
        '<table class="cnngrader-layers">\n'
        f"<thead>{group}<tr>{head}</tr></thead>\n"
        "<tbody>\n" + "\n".join(body) + "\n</tbody>\n"
        f"<tfoot>{foot}</tfoot>\n"
        "</table>"
    )
