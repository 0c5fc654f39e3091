"""Stage 2: run the student's cells confined, and probe them for data.

A :class:`Sandbox` keeps one warm zygote (torch, numpy, matplotlib and torch-summary already
imported) inside bubblewrap when it can; :meth:`Sandbox.run` forks a child that confines
itself (seccomp, rlimits, no capabilities), runs the cells and answers probes with plain data
and safetensors. Nothing that comes back is ever unpickled.
"""

from __future__ import annotations

import importlib
from typing import Any

# Lazy, so that the CLI can start the zygote before torch is imported here (wire/run need it):
# the two start-ups overlap and a cold ``cnngrader check`` saves about a second.
_HOMES = {
    "CellReport": "reports",
    "CellStatus": "reports",
    "Handle": "probes",
    "IsolationLevel": "levels",
    "Limits": "limits",
    "NameInfo": "probes",
    "ProbeError": "probes",
    "ProbeFailure": "probes",
    "Run": "run",
    "Sandbox": "sandbox",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'cnngrader.confine' has no attribute {name!r}")
    return getattr(importlib.import_module(f"cnngrader.confine.{_HOMES[name]}"), name)


__all__ = [
    "CellReport",
    "CellStatus",
    "Handle",
    "IsolationLevel",
    "Limits",
    "NameInfo",
    "ProbeError",
    "ProbeFailure",
    "Run",
    "Sandbox",
]
