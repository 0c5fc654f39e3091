"""A long-lived judge's memory: start-up is frozen out of the collector's way, and what a
submission made is freed before the next one.

Rebuilt models are ``torch.fx.GraphModule``s, which sit in reference cycles (a graph knows its
module), so their weights wait for the cyclic collector; Python runs a full collection rarely,
and a worker kept the copies of several submissions alive (tens of MB each for the 4.2 M
parameters of the lecture's FCNN). A collection after every submission frees them, and stays
cheap because the objects of start-up (torch, pytest, the hidden suite) are frozen first and
never scanned again. torch.fx also keeps the source of every module it ever generated, for
tracebacks; those entries are dropped too.

What is freed goes back to the system, not only to glibc's heap: tensors above 4 MiB (a large
model's weights) are mapped on their own (glibc's default raises that threshold after the first
large free, so later weights stay on the heap, fragmenting it), and the heap is trimmed after
each submission. A worker grading a lab with a 4 M-parameter model crept from 300 MB to 550-650
MB over the sample course; it now stays near 400 MB there (460-490 MB over 200-500
submissions). The threshold was 128 KiB: then every
activation of a forward pass (a 2x3x128x128 map is 384 KiB) was a fresh mapping, faulted in
page by page and unmapped again, and grading the shipped lab took 15% longer for 4 MB less at
its peak.

Tensors of 2 MiB or more go on transparent huge pages (torch's own ``THP_MEM_ALLOC_ENABLE``, for the
judge and its sandbox alike): a 16.8 MB weight matrix, copied for each hidden test, is then eight
page faults instead of four thousand. Where the kernel keeps huge pages for ``madvise`` (the
default), only those tensors get them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import linecache
import os
import sys
from collections.abc import MutableMapping
from functools import cache
from typing import Any

from cnngrader.confine.trusted.launcher import HUGE_PAGES, huge_pages_setting

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters
M_MMAP_THRESHOLD = -3
LARGE = 4 * 1024 * 1024  # bytes: allocations at least this large are mapped, and returned when freed


def huge_pages_for_tensors(env: MutableMapping[str, str] = os.environ) -> MutableMapping[str, str]:
    """Ask torch for huge pages for large tensors in ``env`` where the kernel has them (unless
    ``env`` says otherwise), and return it.

    torch reads the setting at its first allocation: a process sets it before it imports torch.
    """
    if HUGE_PAGES not in env:
        env[HUGE_PAGES] = huge_pages_setting()
    return env


def freeze_startup() -> None:
    """Exempt everything alive now from later collections; large blocks mapped.

    No collection first: start-up leaves about a thousand unreachable objects (kept for good), and
    finding them took a tenth of a second of every worker's and every cold ``check``'s start.
    """
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, LARGE)
        libc.mallopt(M_TRIM_THRESHOLD, LARGE)
    gc.freeze()


def release_submission() -> None:
    """Free the cycles a submission left, and fx's sources of the modules it generated."""
    gc.collect()
    generated = sys.modules.get("torch.fx.graph_module")  # a judge without torch made none
    loader = getattr(generated, "_loader", None)
    sources = getattr(loader, "eval_cache", None)
    if isinstance(sources, dict):
        for key in sources:
            linecache.cache.pop(key, None)
        sources.clear()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@cache
def _glibc() -> Any:
    """glibc, for mallopt and malloc_trim; None on a system without it (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
