"""The budgets of one confined run: time, memory, files, output and message sizes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from cnngrader.errors import UsageError

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; times are wall-clock seconds measured on the trusted side."""

    cell_seconds: float = 60.0
    notebook_seconds: float = 300.0
    probe_seconds: float = 30.0
    memory_bytes: int = 3 * GiB  # address space on top of what the warm zygote already maps
    file_bytes: int = 64 * MiB  # largest file the child may write
    open_files: int = 64
    cpu_seconds: int = 900  # a backstop only: sleeping is stopped by the wall-clock limits
    output_chars: int = 64 * KiB  # per cell, for stdout and for stderr each
    payload_bytes: int = 256 * MiB  # largest binary payload (tensors, weights) of one message
    scratch_bytes: int = 512 * MiB  # size of each writable tmpfs under bubblewrap (set at start)
    max_reforks: int = 3  # fresh children after a probe hung or crashed, per run

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            lowest = 0 if f.name == "max_reforks" else 1e-9  # zero restarts is a choice; zero time is not
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < lowest:
                raise UsageError(f"limit {f.name} must be a positive number, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
