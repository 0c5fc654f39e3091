"""Trusted side: run a notebook's cells in a child under per-cell and notebook deadlines.

A cell that hangs (or crashes the child) costs only itself: the child is killed, a fresh one is
forked, and it re-runs every cell except the ones already stopped, so later cells still run
and their names still get defined.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from cnngrader.confine.shared.limits import Limits
from cnngrader.confine.shared.reports import CellReport, CellStatus
from cnngrader.confine.shared.wire import Frame, WireError
from cnngrader.confine.trusted.channel import ChannelClosed, ChannelTimeout
from cnngrader.confine.trusted.process import ChildProcess

SEND_SECONDS = 30.0
DEAD_KERNEL = "DeadKernelError"


@dataclass(frozen=True)
class _Stop:
    """Where a pass ended early: the cell to blame (if any), and how."""

    index: int | None
    status: CellStatus
    cause: str  # "timeout", "notebook", "died" or "protocol"
    seconds: float


def execute(
    spawn: Callable[[], ChildProcess],
    sources: tuple[str, ...],
    limits: Limits,
    decided: Mapping[int, CellReport] | None = None,
) -> tuple[ChildProcess | None, dict[int, CellReport]]:
    """Run the cells; the live child that ran them (None if none survived) and a report per cell.

    ``decided`` holds cells stopped in an earlier run: they are reported as before, not re-run.
    """
    stopped = dict(decided or {})
    ran: dict[int, CellReport] = {}
    started = time.monotonic()
    notebook_deadline = started + limits.notebook_seconds
    give_up = started + 3 * limits.notebook_seconds + limits.cell_seconds
    for _attempt in range(len(sources) + 2):
        child = spawn()
        stop = _run_pass(child, sources, stopped.keys(), ran, limits, notebook_deadline)
        if stop is None:
            return child, _complete(sources, {**ran, **stopped})
        child.kill()
        if stop.index is None:
            break
        ran.pop(stop.index, None)
        stopped[stop.index] = CellReport.stopped(stop.index, stop.status, _why(stop, child, limits),
                                                 stop.seconds)
        if stop.cause == "notebook":
            for later in range(stop.index + 1, len(sources)):
                stopped.setdefault(later, CellReport.stopped(later, CellStatus.SKIPPED, _skipped(limits)))
            notebook_deadline = time.monotonic() + limits.notebook_seconds  # to re-run what ran
        if time.monotonic() > give_up:
            break
    return None, _complete(sources, {**ran, **stopped})


def execute_later(
    child: ChildProcess, sources: tuple[str, ...], indexes: Collection[int], limits: Limits, seconds: float
) -> tuple[bool, dict[int, CellReport]]:
    """Run cells left out of the first pass in the child that ran it, within ``seconds`` in all.

    Whether the child is still fit to answer, and a report for each of ``indexes``: a cell that
    hangs or kills the child is stopped and blamed, and the cells after it are not run (the child
    is not replaced: what ran before is graded already).
    """
    wanted = sorted(set(indexes))
    ran: dict[int, CellReport] = {}
    stop = _run_pass(child, sources, set(range(len(sources))) - set(wanted), ran, limits,
                     time.monotonic() + max(seconds, 0.0))  # fmt: skip
    if stop is None:
        return True, {i: ran[i] for i in wanted}
    if stop.index is not None:
        ran.pop(stop.index, None)
        ran[stop.index] = CellReport.stopped(stop.index, stop.status, _why(stop, child, limits), stop.seconds)
    why = _skipped(limits) if stop.cause == "notebook" else "not run: a cell run before it was stopped"
    for index in wanted:
        ran.setdefault(index, CellReport.stopped(index, CellStatus.SKIPPED, why))
    return False, {i: ran[i] for i in wanted}


def is_decided(report: CellReport) -> bool:
    """Whether the trusted side stopped this cell (so a fresh child must not run it again)."""
    return report.status in (CellStatus.TIMEOUT, CellStatus.SKIPPED) or report.ename == DEAD_KERNEL


def _run_pass(
    child: ChildProcess,
    sources: tuple[str, ...],
    skip: Collection[int],
    ran: dict[int, CellReport],
    limits: Limits,
    notebook_deadline: float,
) -> _Stop | None:
    pending = [i for i in range(len(sources)) if i not in skip]
    position, current = 0, None
    started = time.monotonic()
    deadline = min(started + limits.cell_seconds, notebook_deadline)

    def stop(cause: str, status: CellStatus) -> _Stop:
        blamed = current if current is not None else (pending[position] if position < len(pending) else None)
        return _Stop(blamed, status, cause, time.monotonic() - started)

    try:
        # The sources go as a JSON payload: a notebook may be larger than a header may be.
        child.send(Frame({"op": "cells", "skip": sorted(skip)}, json.dumps(list(sources)).encode()),
                   time.monotonic() + SEND_SECONDS)
        while True:
            try:
                header = child.recv(deadline).header
            except ChannelTimeout:
                over = time.monotonic() >= notebook_deadline
                return stop("notebook" if over else "timeout", CellStatus.TIMEOUT)
            kind, now = header.get("type"), time.monotonic()
            expected = pending[position] if position < len(pending) else None
            if kind == "cell_start" and current is None and header.get("index") == expected:
                current, started = expected, now
                deadline = min(now + limits.cell_seconds, notebook_deadline)
            elif kind == "cell_end" and current is not None:
                ran[current] = CellReport.from_wire(header.get("report"), index=current,
                                                    output_chars=limits.output_chars, seconds=now - started)
                current, position = None, position + 1
                deadline = min(now + limits.cell_seconds, notebook_deadline)
            elif kind == "cells_done" and current is None and expected is None:
                return None
            else:
                return stop("protocol", CellStatus.ERROR)
    except (ChannelClosed, WireError, OSError):
        return stop("died", CellStatus.ERROR)
    except (ValueError, TypeError):
        return stop("protocol", CellStatus.ERROR)


def _why(stop: _Stop, child: ChildProcess, limits: Limits) -> str:
    if stop.cause == "timeout":
        return f"the cell ran longer than {limits.cell_seconds:g} s and was stopped"
    if stop.cause == "notebook":
        return f"the notebook ran longer than {limits.notebook_seconds:g} s; this cell was stopped"
    if stop.cause == "protocol":
        return "the cell broke the grader's connection to the notebook and was stopped"
    return f"the process running the notebook died during this cell ({child.ending()})"


def _skipped(limits: Limits) -> str:
    return f"not run: the notebook's time limit ({limits.notebook_seconds:g} s) was used up"


def _complete(sources: tuple[str, ...], reports: dict[int, CellReport]) -> dict[int, CellReport]:
    for index in range(len(sources)):
        reports.setdefault(index, CellReport.stopped(index, CellStatus.SKIPPED, "not run"))
    return reports
