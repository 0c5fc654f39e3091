"""How strongly a submission is confined, as one word recorded in every result."""

from __future__ import annotations

import enum
from typing import Any


class IsolationLevel(str, enum.Enum):
    """Isolation levels, comparable: ``BUBBLEWRAP > SECCOMP > RLIMITS > NONE``."""

    NONE = "none"  # nothing was run (a submission refused before any sandbox saw it)
    RLIMITS = "rlimits"  # resource limits and a process-group kill only
    SECCOMP = "seccomp"  # plus a syscall filter: no network, no fork/exec, no signals to others
    BUBBLEWRAP = "bubblewrap"  # plus namespaces: only the interpreter and a scratch folder exist

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, IsolationLevel):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, IsolationLevel):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: Any) -> bool:
        if not isinstance(other, IsolationLevel):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: Any) -> bool:
        if not isinstance(other, IsolationLevel):
            return NotImplemented
        return self.rank >= other.rank

    def __str__(self) -> str:
        return self.value


_RANK = {
    IsolationLevel.NONE: -1,
    IsolationLevel.RLIMITS: 0,
    IsolationLevel.SECCOMP: 1,
    IsolationLevel.BUBBLEWRAP: 2,
}
