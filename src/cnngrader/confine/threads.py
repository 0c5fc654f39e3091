"""Trusted side: how many threads a confined child runs, read from /proc, never asked of the child.

Probes must see a still notebook. A thread a cell left running can change the notebook's state
between probes (flip a class's forward, rebind an answer), so what one probe saw would no longer
be what the next computes on. The child cannot be asked (its code is the student's by then), so
the count comes from the kernel: the child's entry under /proc, found from the zygote's
process tree by the pid the zygote reported (the innermost of the child's ``NSpid``).
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def find_descendant(root: int, inner_pid: int, *, proc: Path = PROC) -> int | None:
    """The pid, as this process sees it, of ``root``'s descendant known as ``inner_pid`` in its namespace."""
    stack, seen = [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for child in _children(pid, proc):
            if _inner_pid(child, proc) == inner_pid:
                return child
            stack.append(child)
    return None


def thread_count(pid: int, *, proc: Path = PROC) -> int | None:
    """Threads of process ``pid``; None once it is gone."""
    try:
        return len(os.listdir(proc / str(pid) / "task"))
    except OSError:
        return None


def _children(pid: int, proc: Path) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(proc / str(pid) / "task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(p) for p in (proc / str(pid) / "task" / tid / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return out


def _inner_pid(pid: int, proc: Path) -> int | None:
    try:
        for line in (proc / str(pid) / "status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    except (OSError, ValueError, IndexError):
        pass
    return None
