"""What happened to each cell of a notebook, as the trusted side records it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

MAX_ERROR_CHARS = 500
MAX_NAME_CHARS = 100
MAX_DISPLAYS = 20
MAX_DISPLAY_CHARS = 2000
NOTE_CHARS = 100  # room for the child's own "output truncated" note


class CellStatus(str, enum.Enum):
    """How a cell ended."""

    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"  # stopped by the per-cell or notebook wall-clock limit
    SKIPPED = "skipped"  # never run: the notebook's time was used up before it


@dataclass(frozen=True)
class CellReport:
    """One code cell as it ran in the confined child (fields named as nbgrader names them)."""

    index: int
    status: CellStatus
    ename: str = ""  # the exception's type name
    evalue: str = ""  # the first line of its message
    stdout: str = ""
    stderr: str = ""
    displays: tuple[str, ...] = ()  # text of displayed values, including a last expression's
    figures: int = 0  # matplotlib figures the cell left open (shown, then dropped)
    seconds: float = 0.0

    @classmethod
    def stopped(cls, index: int, status: CellStatus, why: str, seconds: float = 0.0) -> CellReport:
        """A cell that the trusted side ended (timeout, skipped, crashed)."""
        # The names nbclient gives these situations.
        name = {CellStatus.TIMEOUT: "CellTimeoutError", CellStatus.SKIPPED: ""}.get(status, "DeadKernelError")
        return cls(index, status, ename=name, evalue=why, seconds=seconds)

    @classmethod
    def from_wire(cls, data: Any, *, index: int, output_chars: int, seconds: float) -> CellReport:
        """Parse what the child said about cell ``index``; anything malformed is refused."""
        if not isinstance(data, dict) or data.get("index") != index:
            raise ValueError(f"malformed report for cell {index}")
        status = CellStatus(data.get("status"))
        if status not in (CellStatus.OK, CellStatus.ERROR):
            raise ValueError(f"a child cannot report status {status.value}")
        displays = data.get("displays", [])
        if not isinstance(displays, list):
            raise ValueError("displays must be a list")
        figures = data.get("figures", 0)
        if not isinstance(figures, int) or isinstance(figures, bool) or figures < 0:
            raise ValueError("figures must be a count")
        return cls(
            index=index,
            status=status,
            ename=_text(data.get("ename", ""), MAX_NAME_CHARS),
            evalue=_text(data.get("evalue", ""), MAX_ERROR_CHARS),
            stdout=_text(data.get("stdout", ""), output_chars + NOTE_CHARS),
            stderr=_text(data.get("stderr", ""), output_chars + NOTE_CHARS),
            displays=tuple(_text(d, MAX_DISPLAY_CHARS) for d in displays[:MAX_DISPLAYS]),
            figures=figures,
            seconds=seconds,
        )


def _text(value: Any, cap: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    # The child caps its own output; capping again here means a hostile child gains nothing.
    return value if len(value) <= cap else value[:cap] + f"\n... [{len(value) - cap} more characters dropped]"
