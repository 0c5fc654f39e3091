"""A warm worker: one long-lived process holding a Judge, grading the submissions it is sent.

Run as ``python -m cnngrader.batch.worker`` by the pool. It reads tasks from stdin and writes
replies to stdout, one JSON line each; everything else it or its libraries print goes to
stderr (the worker's log). It writes each submission's outputs and, last, its record, so a
grade that finished is kept even if the coordinator is killed a moment later.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from cnngrader.batch import outputs
from cnngrader.batch.fingerprint import SuiteDigest, content_key, engine_digest, notebook_digest, suite_digest
from cnngrader.batch.protocol import Done, Failed, Fatal, Ready, Task, decode, encode
from cnngrader.batch.state import Record, now, write_record
from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.confine.shared.reports import CellReport
from cnngrader.confine.trusted.procfs import peak_rss_kb, rss_kb, tree_peak_rss_kb
from cnngrader.course.course import Course
from cnngrader.errors import CnngraderError
from cnngrader.judge import memory
from cnngrader.judge.prestart import background_sandbox
from cnngrader.results import Result

DEFAULT_JUDGE = "cnngrader.judge.check:Judge"


class GradedLike(Protocol):
    """What a judge returns for one notebook: its result and its cells as they ran."""

    @property
    def result(self) -> Result: ...

    @property
    def cells(self) -> tuple[CellReport, ...]: ...


class JudgeLike(Protocol):
    """What a worker needs of a judge (``cnngrader.judge.check.Judge``, or a test double)."""

    @property
    def isolation(self) -> IsolationLevel: ...

    def prepare(self, assignment: str) -> None:
        """Everything a first grade needs before a notebook runs (at least the hidden suite collected)."""

    def grade(
        self, *, path: Path, assignment: str, seed: int | None = None, student: str | None = None
    ) -> GradedLike: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Fingerprints:
    """What every record of this worker depends on besides its notebook."""

    suite: SuiteDigest
    engine: str

    @classmethod
    def of(cls, course: Course, assignment: str) -> Fingerprints:
        return cls(suite_digest(course, assignment), engine_digest())


def main(argv: Sequence[str] | None = None) -> int:
    memory.huge_pages_for_tensors()  # before torch is imported
    args = _parser().parse_args(argv)
    proto_in, proto_out = _claim_stdio()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the coordinator decides when a worker stops
    signal.signal(signal.SIGTERM, _exit_now)
    try:
        course = Course.open(args.course)
        # Hashed before the suite is collected: a test edited meanwhile makes the next run regrade.
        fingerprints = Fingerprints.of(course, args.assignment)
        judge = start_judge(args.judge, course, args.assignment, args.minimum_isolation,
                            overlap=args.overlap_start)  # fmt: skip
    except CnngraderError as exc:
        _send(proto_out, Fatal(type(exc).__name__, str(exc), exc.exit_code))
        return exc.exit_code
    try:
        memory.freeze_startup()
        _send(proto_out, Ready(os.getpid(), judge.isolation.value))
        serve(judge, course, fingerprints, proto_in, proto_out)
    finally:
        judge.close()
    return 0


def start_judge(
    factory: str, course: Course, assignment: str, minimum_isolation: str | None, *, overlap: bool = False
) -> JudgeLike:
    """Build the judge and get it ready now (hidden suite collected; the default judge also warms
    its paths), so the first submission is not slower. With ``overlap``, the default judge's
    zygote boots while this process imports torch."""
    module, _, name = factory.partition(":")
    options: dict[str, Any] = {"course": course, "minimum_isolation": minimum_isolation}
    if overlap and factory == DEFAULT_JUDGE:
        options["sandbox"] = background_sandbox(course=course, minimum_isolation=minimum_isolation)
    try:
        judge: JudgeLike = getattr(importlib.import_module(module), name)(**options)
    except BaseException:
        if "sandbox" in options:
            options["sandbox"].close()
        raise
    try:
        judge.prepare(assignment)
    except BaseException:
        judge.close()
        raise
    return judge


def serve(
    judge: JudgeLike, course: Course, fp: Fingerprints, proto_in: BinaryIO, proto_out: BinaryIO
) -> None:
    """Grade tasks until the coordinator closes the pipe (or dies: the same end of file)."""
    for line in proto_in:
        task = decode(line)
        if not isinstance(task, Task):
            raise ValueError(f"expected a task, got {task!r}")
        try:
            done = grade_one(judge, course, fp, task)
        except Exception:  # the engine failed: the coordinator retries on a fresh worker, then records it
            trace = traceback.format_exc()
            print(f"grading {task.student} failed:\n{trace}", file=sys.stderr, flush=True)
            _send(proto_out, Failed(task.student, trace))
            return  # this judge may be broken: exit, and be replaced
        _send(proto_out, done)
        memory.release_submission()  # while the coordinator records it


def grade_one(judge: JudgeLike, course: Course, fp: Fingerprints, task: Task) -> Done:
    """Grade, write the outputs, then the record (the commit point), and say so."""
    started = time.perf_counter()
    notebook = Path(task.notebook)
    notebook_sha = notebook_digest(notebook)  # of the bytes about to be graded, not those planned
    # Graded for the folder's student: with per-student variants, with that student's questions.
    graded = judge.grade(path=notebook, assignment=task.assignment, seed=task.seed, student=task.student)
    record = Record(
        student=task.student,
        key=content_key(notebook=notebook_sha, suite=fp.suite.digest, engine=fp.engine, seed=task.seed),
        seed=task.seed,
        notebook_sha=notebook_sha,
        suite_files=fp.suite.files,
        engine=fp.engine,
        result=graded.result,
        attempts=task.attempt,
        seconds=round(time.perf_counter() - started, 4),
        graded_at=now(),
        timestamp=task.timestamp,
    )
    outputs.write_outputs(course, record, tuple(graded.cells))
    write_record(course.record_path(task.student, task.assignment), record)
    return Done(task.student, record.to_dict(), peak_rss_kb(), tree_peak_rss_kb(os.getpid()), rss_kb(),
                _stages(graded))


def _stages(graded: GradedLike) -> dict[str, float]:
    """Seconds per stage, from a judge that measures them (``cnngrader.judge.stages``)."""
    timings = getattr(graded, "timings", None)
    return dict(timings.to_dict()) if timings is not None else {}


def _claim_stdio() -> tuple[BinaryIO, BinaryIO]:
    """Keep the pipes for the protocol (on fds the sandbox does not inherit), stdout to the log."""
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return proto_in, proto_out


def _send(out: BinaryIO, message: Ready | Done | Failed | Fatal) -> None:
    out.write(encode(message))
    out.flush()


def _exit_now(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cnngrader.batch.worker", description=__doc__)
    p.add_argument("--course", type=Path, required=True)
    p.add_argument("--assignment", required=True)
    p.add_argument("--judge", default=DEFAULT_JUDGE, help="module:callable building the judge")
    p.add_argument("--minimum-isolation", default=None)
    p.add_argument("--overlap-start", action="store_true", help="boot the zygote while importing torch")
    return p


def _exit(code: int) -> None:
    """Leave without the interpreter's teardown: with torch loaded it takes seconds, and the
    judge has already closed what needed closing."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _exit(main())
