"""The probe protocol, shared by both sides: which probes exist and how one fails, as typed data.

The trusted side asks (:class:`ProbeOp`); the child answers with a value or with a failure of a
kind from :data:`CHILD_FAILURES`. The child raises :class:`ProbeFailed`, which becomes a reply
header (:meth:`ProbeFailed.header`); the trusted side turns a reply back into a
:class:`ProbeError` with :func:`failure_from`, refusing any kind a child may not claim.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_CHARS = 500
MAX_TYPE_CHARS = 100


class ProbeOp(str, enum.Enum):
    """The questions the trusted side may ask a child about its notebook."""

    VALUE = "value"  # the value bound to a name, as data
    LOOKUP = "lookup"  # whether a name is defined and callable, without sending it
    CALL = "call"  # a function called on data
    INSTANTIATE = "instantiate"  # a model class instantiated (seeded), kept in the child
    DESCRIBE = "describe"  # a model instance as a graph description and its weights
    FORWARD = "forward"  # a model instance run on tensors


class ProbeFailure(str, enum.Enum):
    """Why a probe has no value."""

    MISSING = "missing"  # the name is not defined in the notebook
    RAISED = "raised"  # the student's code raised; type_name and message say what
    INVALID = "invalid"  # the name exists but is the wrong kind of thing (not callable, not a model)
    UNSENDABLE = "unsendable"  # the value is of a type that cannot be graded
    UNSUPPORTED = "unsupported"  # the model uses something that cannot be described as data
    TIMEOUT = "timeout"  # the probe ran out of time; the child was killed
    DIED = "died"  # the child died (crash, os._exit, killed by a limit)
    PROTOCOL = "protocol"  # the child answered something malformed; it was killed
    STALE = "stale"  # a model handle from a child that has since been replaced
    UNAVAILABLE = "unavailable"  # no child to ask (run closed, or no restarts left)


# What a child may say about its own probe; the rest only the trusted side can observe.
CHILD_FAILURES = frozenset({ProbeFailure.MISSING, ProbeFailure.RAISED, ProbeFailure.INVALID,
                            ProbeFailure.UNSENDABLE, ProbeFailure.UNSUPPORTED})  # fmt: skip


class ProbeFailed(Exception):
    """Raised in the child: the probe cannot be answered with a value (a kind of CHILD_FAILURES)."""

    def __init__(self, kind: ProbeFailure, message: str, type_name: str = "") -> None:
        if kind not in CHILD_FAILURES:
            raise ValueError(f"a child cannot report {kind.value}")
        super().__init__(message)
        self.kind, self.message, self.type_name = kind, message, type_name

    def header(self) -> dict[str, Any]:
        return failure_header(self.kind, self.message, self.type_name)


def failure_header(kind: ProbeFailure, message: str, type_name: str = "") -> dict[str, Any]:
    """The reply header of a failed probe."""
    return {"ok": False, "kind": kind.value, "type": type_name, "message": message}


class ProbeError(Exception):
    """A probe that failed, on the trusted side; ``kind`` says how, ``type_name``/``message`` what."""

    def __init__(self, kind: ProbeFailure, message: str, type_name: str = "") -> None:
        super().__init__(f"{kind.value}: {type_name + ': ' if type_name else ''}{message}")
        self.kind = kind
        self.message = message
        self.type_name = type_name


def failure_from(header: dict[str, Any]) -> ProbeError | None:
    """The failure a child's reply header reports; None if it is malformed or claims too much."""
    try:
        kind = ProbeFailure(header.get("kind"))
    except ValueError:
        return None
    if kind not in CHILD_FAILURES:
        return None
    return ProbeError(
        kind, _text(header.get("message"), MAX_MESSAGE_CHARS), _text(header.get("type"), MAX_TYPE_CHARS)
    )


def _text(value: Any, cap: int) -> str:
    return value[:cap] if isinstance(value, str) else ""


@dataclass(frozen=True)
class Handle:
    """A model instance living in the child that made it (``generation`` counts children)."""

    generation: int
    number: int


@dataclass(frozen=True)
class NameInfo:
    """What a name in the notebook is bound to, without sending the object."""

    defined: bool
    callable: bool
    type_name: str
