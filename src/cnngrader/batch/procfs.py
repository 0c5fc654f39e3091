"""Process facts read from /proc (psutil is not a dependency): peak memory and descendants."""

from __future__ import annotations

import os
from pathlib import Path


def peak_rss_kb(pid: int | str = "self") -> int:
    """The process's high-water resident set size (``VmHWM``) in KiB; 0 where /proc cannot tell."""
    return _status_kb(pid, "VmHWM:")


def rss_kb(pid: int | str = "self") -> int:
    """The process's resident set size now (``VmRSS``) in KiB."""
    return _status_kb(pid, "VmRSS:")


def _status_kb(pid: int | str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (all its threads), from /proc."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return out


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = children(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children(child)
    return found


def tree_peak_rss_kb(pid: int) -> int:
    """Sum of the peak RSS of the processes below ``pid`` (a judge's sandbox zygote and children)."""
    return sum(peak_rss_kb(child) for child in descendants(pid))
