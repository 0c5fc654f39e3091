"""One warm sandbox for the whole confine suite: starting a zygote costs seconds, a run milliseconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cnngrader.confine import Limits, Sandbox
from cnngrader.confine.trusted.run import Run

FAST = Limits(cell_seconds=2.0, notebook_seconds=30.0, probe_seconds=3.0, max_reforks=2)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox.start(limits=FAST)
    yield box
    box.close()


@pytest.fixture
def run_cells(sandbox: Sandbox) -> Iterator:
    """Run cells in the shared sandbox; each returned Run is closed after the test."""
    runs: list[Run] = []

    def run(*cells: str, limits: Limits | None = None) -> Run:
        runs.append(sandbox.run(list(cells), limits=limits))
        return runs[-1]

    yield run
    for r in runs:
        r.close()
