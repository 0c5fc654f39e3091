"""Trusted side: facts about processes read from /proc, never asked of the processes themselves.

Probes must see a still notebook. A thread a cell left running can change the notebook's state
between probes (flip a class's forward, rebind an answer), so what one probe saw would no longer
be what the next computes on. The child cannot be asked (its code is the student's by then), so
the count comes from the kernel: the child's entry under /proc, found from the zygote's process
tree by the pid the zygote reported (the innermost of the child's ``NSpid``). The batch reads
peak memory the same way (psutil is not a dependency).
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def children(pid: int, *, proc: Path = PROC) -> list[int]:
    """Direct children of ``pid`` (of all its threads)."""
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


def descendants(pid: int, *, proc: Path = PROC) -> list[int]:
    found: list[int] = []
    todo = children(pid, proc=proc)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children(child, proc=proc)
    return found


def find_descendant(root: int, inner_pid: int, *, proc: Path = PROC) -> int | None:
    """The pid, as this process sees it, of ``root``'s descendant known as ``inner_pid`` in its namespace."""
    stack, seen = [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for child in children(pid, proc=proc):
            if _inner_pid(child, proc) == inner_pid:
                return child
            stack.append(child)
    return None


def thread_count(pid: int, *, proc: Path = PROC) -> int | None:
    """Threads of process ``pid``; None once it is gone (asked before every probe: no pathlib)."""
    try:
        return len(os.listdir(f"{proc}/{pid}/task"))
    except OSError:
        return None


def peak_rss_kb(pid: int | str = "self") -> int:
    """The process's high-water resident set size (``VmHWM``) in KiB; 0 where /proc cannot tell."""
    return _status_kb(pid, "VmHWM:")


def rss_kb(pid: int | str = "self") -> int:
    """The process's resident set size now (``VmRSS``) in KiB."""
    return _status_kb(pid, "VmRSS:")


def tree_peak_rss_kb(pid: int) -> int:
    """Sum of the peak RSS of the processes below ``pid`` (a judge's sandbox zygote and children)."""
    return sum(peak_rss_kb(child) for child in descendants(pid))


def _status_kb(pid: int | str, field: str) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _inner_pid(pid: int, proc: Path) -> int | None:
    try:
        for line in (proc / str(pid) / "status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    except (OSError, ValueError, IndexError):
        pass
    return None
