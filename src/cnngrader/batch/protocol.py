"""Messages between the coordinator and its workers: one JSON object per line over pipes.

Plain JSON in both directions: the coordinator never unpickles anything a worker sends.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Task:
    """Grade one submission (coordinator -> worker)."""

    student: str
    notebook: str
    assignment: str
    seed: int
    timestamp: str | None = None
    attempt: int = 1


@dataclass(frozen=True)
class Ready:
    """The worker holds a warm judge and its hidden suite (worker -> coordinator)."""

    pid: int
    isolation: str


@dataclass(frozen=True)
class Done:
    """A submission was graded and its record written (worker -> coordinator)."""

    student: str
    record: dict[str, Any]
    peak_rss_kb: int = 0
    sandbox_peak_rss_kb: int = 0  # the judge's sandbox processes, summed
    rss_kb: int = 0  # the worker's memory now: a worker that keeps growing is replaced
    stages: dict[str, float] = field(default_factory=dict)  # seconds per grading stage (judge.stages)


@dataclass(frozen=True)
class Failed:
    """The judge raised (a bug, a broken sandbox): the worker exits after saying so."""

    student: str
    traceback: str


@dataclass(frozen=True)
class Fatal:
    """The worker cannot grade at all (no hidden tests, isolation below the minimum...)."""

    error: str
    message: str
    exit_code: int = 1
    detail: dict[str, Any] = field(default_factory=dict)


MESSAGES: dict[str, type] = {"task": Task, "ready": Ready, "done": Done, "failed": Failed, "fatal": Fatal}
_OPS = {cls: op for op, cls in MESSAGES.items()}

Message = Task | Ready | Done | Failed | Fatal


def encode(message: Message) -> bytes:
    return json.dumps({"op": _OPS[type(message)], **asdict(message)}).encode() + b"\n"


def decode(line: bytes) -> Message:
    """One message; a line that is not one raises ValueError (the sender is then treated as broken)."""
    data = json.loads(line)
    if not isinstance(data, dict) or data.get("op") not in MESSAGES:
        raise ValueError(f"not a protocol message: {line[:80]!r}")
    cls = MESSAGES[data.pop("op")]
    return cls(**data)  # type: ignore[no-any-return]
