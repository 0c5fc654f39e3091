"""The stage clock: each moment is charged to the innermost stage open then, and to nothing else."""

from __future__ import annotations

import pytest

from cnngrader.judge import stages
from cnngrader.judge.stages import Stage, StageClock


@pytest.fixture
def ticks(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A clock that moves only when the test says: ``ticks.append(t)`` is the next reading."""
    readings: list[float] = []
    monkeypatch.setattr(stages.time, "perf_counter", lambda: readings.pop(0))
    return readings


def test_nested_stages_are_charged_exclusively(ticks: list[float]) -> None:
    ticks += [0.0]
    clock = StageClock()  # OTHER from 0
    ticks += [1.0]  # TESTS opens at 1
    with clock.stage(Stage.TESTS):
        ticks += [3.0]  # PROBES opens at 3
        with clock.stage(Stage.PROBES):
            ticks += [7.0]  # PROBES closes at 7
        ticks += [8.0, 8.0]  # REBUILD runs from 8 to 8
        with clock.stage(Stage.REBUILD):
            pass
        ticks += [10.0]  # TESTS closes at 10
    ticks += [15.0]
    timings = clock.timings()
    assert timings.to_dict() == {"other": 6.0, "tests": 5.0, "probes": 4.0}  # REBUILD took no time


def test_a_stage_that_raises_is_closed(ticks: list[float]) -> None:
    ticks += [0.0, 0.0]
    clock = StageClock()
    with pytest.raises(ValueError), clock.stage(Stage.CELLS):
        ticks += [2.0]
        raise ValueError
    ticks += [5.0]
    assert clock.timings().to_dict() == {"cells": 2.0, "other": 3.0}
