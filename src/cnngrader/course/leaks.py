"""Proof that a released notebook shows no solution and no hidden test (pure functions).

A line is secret when it appears inside a solution or hidden-test region of the source notebook
and nowhere in its public part: then the only way for it to reach the release is a leak. This
checks every line, not only the markers, so a solution pasted outside its region is caught too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cnngrader.course.cells import HIDDEN_MARKERS, SOLUTION_MARKERS

# What nbgrader puts in place of a solution; a solution may contain these lines too.
STUB_LINES = frozenset({"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"})
MARKERS = (*SOLUTION_MARKERS, *HIDDEN_MARKERS)
SOLUTION, HIDDEN = "solution", "hidden test"


@dataclass(frozen=True)
class Leak:
    """One secret line found in a released notebook."""

    notebook: str
    cell: int
    kind: str
    line: str

    def __str__(self) -> str:
        return f"{self.notebook}, cell {self.cell}: {self.kind} line {self.line!r}"


def _classify(source: str) -> Iterator[tuple[str | None, str]]:
    """Each non-marker line with the kind of region it lies in (None outside any region)."""
    kind: str | None = None
    for line in source.splitlines():
        if SOLUTION_MARKERS[0] in line:
            kind = SOLUTION
        elif HIDDEN_MARKERS[0] in line:
            kind = HIDDEN
        elif SOLUTION_MARKERS[1] in line or HIDDEN_MARKERS[1] in line:
            kind = None
        else:
            yield kind, line


def _meaningful(line: str) -> bool:
    # A bare ")" or "]" closes code everywhere; it reveals nothing.
    return any(ch.isalnum() for ch in line) and line not in STUB_LINES


def secret_lines(source_nb: Any) -> dict[str, str]:
    """Stripped secret lines of a source notebook, each with the kind of region it came from."""
    secret: dict[str, str] = {}
    public: set[str] = set()
    for cell in source_nb["cells"]:
        for kind, line in _classify(cell["source"]):
            key = line.strip()
            if not _meaningful(key):
                continue
            if kind is None:
                public.add(key)
            else:
                secret.setdefault(key, kind)
    return {line: kind for line, kind in secret.items() if line not in public}


def _texts(cell: Any) -> Iterator[str]:
    """The source of a cell and every text its outputs hold (a release should have none)."""
    yield cell["source"]
    for output in cell.get("outputs", []):
        yield str(output.get("text", ""))
        for value in output.get("data", {}).values():
            yield value if isinstance(value, str) else "\n".join(map(str, value))
        yield "\n".join(output.get("traceback", []))


def find_leaks(source_nb: Any, release_nb: Any, *, notebook: str) -> list[Leak]:
    """Every secret line or region marker of ``source_nb`` that appears in ``release_nb``."""
    secret = secret_lines(source_nb)
    leaks = []
    for index, cell in enumerate(release_nb["cells"]):
        for text in _texts(cell):
            for line in text.splitlines():
                key = line.strip()
                if key in secret:
                    leaks.append(Leak(notebook, index, secret[key], key))
                elif any(marker.strip("# ") in line for marker in MARKERS):
                    leaks.append(Leak(notebook, index, "marker", key))
    return leaks
