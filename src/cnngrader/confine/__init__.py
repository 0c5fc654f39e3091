"""Stage 2: run the student's cells confined, and probe them for data.

The folders are the processes: ``trusted/`` runs in the judge (it starts the sandbox, executes a
notebook in a child and asks it probes), ``zygote/`` is the warm parent inside bubblewrap,
``child/`` is the forked child beside the student's code (``child/describe/`` turns its values
and models into data), and ``shared/`` is the format both sides speak. Nothing that comes back
from a child is ever unpickled.

Only light names are exported here: :class:`~cnngrader.confine.trusted.run.Run` (which needs
torch) is imported from its module, so that the CLI can start the zygote before torch loads.
"""

from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.confine.shared.limits import Limits
from cnngrader.confine.shared.probes import Handle, NameInfo, ProbeError, ProbeFailure, ProbeOp
from cnngrader.confine.shared.reports import CellReport, CellStatus
from cnngrader.confine.trusted.sandbox import Sandbox

__all__ = [
    "CellReport",
    "CellStatus",
    "Handle",
    "IsolationLevel",
    "Limits",
    "NameInfo",
    "ProbeError",
    "ProbeFailure",
    "ProbeOp",
    "Sandbox",
]
