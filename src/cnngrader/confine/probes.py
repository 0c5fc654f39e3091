"""What a probe of the confined child answers when it cannot answer with a value: typed data."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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


class ProbeError(Exception):
    """A probe that failed; ``kind`` says how, ``type_name``/``message`` what the child said."""

    def __init__(self, kind: ProbeFailure, message: str, type_name: str = "") -> None:
        super().__init__(f"{kind.value}: {type_name + ': ' if type_name else ''}{message}")
        self.kind = kind
        self.message = message
        self.type_name = type_name


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
