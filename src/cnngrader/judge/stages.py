"""Where one submission's grading time goes: exclusive wall time per stage.

The judge charges each moment to the innermost stage running: a probe sent while a hidden test
rebuilds a model counts as a probe, not as rebuilding. Grading is sequential per judge (the
hidden-suite thread works while the caller waits), so one clock per submission is enough.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType


class Stage(str, enum.Enum):
    """The parts of grading a submission, as the benchmark reports them."""

    CELLS = "cells"  # fork a confined child and run the notebook's cells in it
    PROBES = "probes"  # questions to the child: values, calls, instances, descriptions, forwards
    REBUILD = "rebuild"  # descriptions to modules, fresh copies, the trusted half of reproduction checks
    TESTS = "tests"  # the hidden tests' own work on the trusted side
    OTHER = "other"  # reading the notebook, assembling the result


@dataclass(frozen=True)
class Timings:
    """Seconds per stage for one submission (stages that took no time are absent)."""

    seconds: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, float]:
        return {name: round(value, 6) for name, value in self.seconds.items()}


class StageClock:
    """Charges wall time to the innermost open stage; the outermost is ``OTHER``."""

    def __init__(self) -> None:
        self._totals: dict[Stage, float] = {}
        self._stack: list[Stage] = [Stage.OTHER]
        self._since = time.perf_counter()

    @contextmanager
    def stage(self, stage: Stage) -> Iterator[None]:
        self._switch(lambda: self._stack.append(stage))
        try:
            yield
        finally:
            self._switch(self._stack.pop)

    def timings(self) -> Timings:
        self._switch(lambda: None)
        return Timings(MappingProxyType({s.value: t for s, t in self._totals.items() if t > 0}))

    def _switch(self, change: Callable[[], object]) -> None:
        now = time.perf_counter()
        current = self._stack[-1]
        self._totals[current] = self._totals.get(current, 0.0) + (now - self._since)
        self._since = now
        change()
