"""The pool on its own: events in order, a worker that grows too big is replaced between tasks."""

from __future__ import annotations

from pathlib import Path

from cnngrader.batch.pool import GaveUp, Graded, Pool, Retrying, WorkerSpec
from cnngrader.batch.protocol import Task

from .batchkit import FAKE_JUDGE, answers, student_notebook, submit


def tasks(course: Path, students: list[str], extra: str = "") -> list[Task]:
    return [
        Task(s, str(submit(course, s, student_notebook(answers(), extra=extra))), "quiz6", seed=1)
        for s in students
    ]


def test_a_worker_over_its_memory_budget_is_replaced_between_submissions(course, fake_env):
    spec = WorkerSpec(course, "quiz6", course / ".cnngrader" / "logs", FAKE_JUDGE)
    pool = Pool(spec, 1, task_timeout=60, recycle_rss_mb=1)  # every worker is over 1 MB
    events: list[object] = []
    try:
        pool.run(tasks(course, ["ada", "bob", "cyd"]), events.append)
    finally:
        pool.close()
    assert [type(e) for e in events] == [Graded, Graded, Graded]
    assert pool.stats[0].starts == 3 and pool.stats[0].graded == 3
    assert pool.pids == []


def test_events_of_a_submission_that_always_kills_its_worker(course, fake_env):
    spec = WorkerSpec(course, "quiz6", course / ".cnngrader" / "logs", FAKE_JUDGE)
    pool = Pool(spec, 1, task_timeout=60)
    events: list[object] = []
    try:
        pool.run(tasks(course, ["eve"], extra="# FAKE: crash"), events.append)
    finally:
        pool.close()
    assert [type(e) for e in events] == [Retrying, GaveUp]
    assert isinstance(events[1], GaveUp) and "SIGKILL" in events[1].why and events[1].task.attempt == 2


def test_workers_overlap_their_start_only_where_a_core_is_spare(course, monkeypatch):
    """A worker may boot its zygote beside its own imports when fewer workers than cores start;
    with as many workers as cores, that would only make four processes share two cores."""
    from cnngrader.batch import pool as pool_module
    from cnngrader.batch.worker import _parser

    monkeypatch.setattr(pool_module.os, "cpu_count", lambda: 2)
    spec = WorkerSpec(course, "quiz6", course / ".cnngrader" / "logs", FAKE_JUDGE)
    assert Pool(spec, 1, task_timeout=60)._spare_cores()
    assert not Pool(spec, 2, task_timeout=60)._spare_cores()
    command = spec.command(overlap_start=True)
    assert _parser().parse_args(command[3:]).overlap_start
    assert not _parser().parse_args(spec.command()[3:]).overlap_start
