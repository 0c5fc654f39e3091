"""Stage 2: run the student's cells confined, and probe them for data.

A :class:`Sandbox` keeps one warm zygote (torch, numpy, matplotlib and torch-summary already
imported) inside bubblewrap when it can; :meth:`Sandbox.run` forks a child that confines
itself (seccomp, rlimits, no capabilities), runs the cells and answers probes with plain data
and safetensors. Nothing that comes back is ever unpickled.
"""

from cnngrader.confine.levels import IsolationLevel
from cnngrader.confine.limits import Limits
from cnngrader.confine.probes import Handle, NameInfo, ProbeError, ProbeFailure
from cnngrader.confine.reports import CellReport, CellStatus
from cnngrader.confine.run import Run
from cnngrader.confine.sandbox import Sandbox

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
