"""Warm workers: long-lived judge processes, fed one submission at a time over pipes.

A worker that dies (killed, out of memory, hung past the task deadline) is replaced, and the
submission it held is retried once on a fresh worker; a second failure gives that
submission up, and the coordinator records it as the student's error result. The others
never wait for it: every worker has its own process, pipe and deadline.
"""

from __future__ import annotations

import contextlib
import enum
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cnngrader import errors
from cnngrader.batch.protocol import Done, Failed, Fatal, Ready, Task, decode, encode
from cnngrader.batch.worker import DEFAULT_JUDGE
from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.errors import CnngraderError

MAX_START_FAILURES = 3  # workers dying before they are ready, in a row: the setup is broken
RECYCLE_RSS_MB = 2048  # a judge grows a little per submission; replace it before it grows a lot
STOP_GRACE = 3.0  # seconds for workers to exit after their pipe closed
STOP_GRACE_INTERRUPTED = 1.0  # after Ctrl-C they were told to stop at once


@dataclass(frozen=True)
class WorkerSpec:
    """How to start a worker."""

    course_root: Path
    assignment: str
    log_dir: Path
    judge: str = DEFAULT_JUDGE
    minimum_isolation: str | None = None

    def command(self, *, overlap_start: bool = False) -> list[str]:
        """``overlap_start``: the worker's zygote boots while it imports torch (where a core is free)."""
        cmd = [sys.executable, "-m", "cnngrader.batch.worker", "--course", str(self.course_root)]
        cmd += ["--assignment", self.assignment, "--judge", self.judge]
        cmd += ["--overlap-start"] if overlap_start else []
        return cmd + (["--minimum-isolation", self.minimum_isolation] if self.minimum_isolation else [])


@dataclass(frozen=True)
class Graded:
    """A worker finished a submission; its record is already on disk."""

    task: Task
    record: dict[str, Any]


@dataclass(frozen=True)
class Retrying:
    task: Task
    why: str


@dataclass(frozen=True)
class GaveUp:
    """A submission failed twice; the coordinator records it as an error result."""

    task: Task
    why: str
    detail: str = ""  # the judge's traceback, when it raised: for the TA


Event = Graded | Retrying | GaveUp


@dataclass
class WorkerStats:
    """What one worker slot did: for the summary and the benchmark."""

    slot: int
    starts: int = 0
    graded: int = 0
    start_seconds: list[float] = field(default_factory=list)
    peak_rss_kb: int = 0
    sandbox_peak_rss_kb: int = 0
    isolation: IsolationLevel | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)  # summed over the graded


class Phase(enum.Enum):
    STARTING = "starting"
    IDLE = "idle"
    BUSY = "busy"
    RETIRING = "retiring"  # said it will exit; gets no more work


class _Worker:
    """One live worker process and what it is doing (mutable, private to the pool)."""

    def __init__(self, slot: int, proc: subprocess.Popen[bytes]) -> None:
        self.slot = slot
        self.proc = proc
        self.phase = Phase.STARTING
        self.task: Task | None = None
        self.since = time.monotonic()
        self.buffer = b""
        self.death: str | None = None  # why the pool killed it, if it did

    @property
    def stdout(self) -> IO[bytes]:
        assert self.proc.stdout is not None
        return self.proc.stdout


class Pool:
    """Up to ``size`` warm workers grading a list of tasks."""

    def __init__(
        self,
        spec: WorkerSpec,
        size: int,
        *,
        task_timeout: float,
        start_timeout: float = 300.0,
        retries: int = 1,
        recycle_rss_mb: int = RECYCLE_RSS_MB,
    ) -> None:
        if size < 1:
            raise errors.UsageError(f"--jobs must be at least 1, got {size}")
        self.spec = spec
        self.size = size
        self.task_timeout = task_timeout
        self.start_timeout = start_timeout
        self.retries = retries
        self.recycle_rss_kb = recycle_rss_mb * 1024
        self.stats = [WorkerStats(slot) for slot in range(size)]
        self._workers: dict[int, _Worker] = {}
        self._pending: deque[Task] = deque()
        self._outstanding = 0
        self._start_failures = 0
        self._interrupted = False
        self._selector = selectors.DefaultSelector()

    def _spare_cores(self) -> bool:
        """Whether a starting worker may use two cores: with as many workers as cores, starting
        each one's zygote beside its imports only makes four processes share two cores."""
        return self.size < (os.cpu_count() or 1)

    @property
    def pids(self) -> list[int]:
        return [w.proc.pid for w in self._workers.values()]

    def run(self, tasks: Sequence[Task], on_event: Callable[[Event], None]) -> None:
        """Grade every task; returns when each is graded or given up, with the workers told to stop.

        Call :meth:`close` afterwards (it waits for them): the caller may finish other work first.
        """
        self._pending.extend(tasks)
        self._outstanding = len(tasks)
        self._interrupted = True
        try:
            while self._outstanding:
                self._staff()
                self._dispatch()
                self._poll(on_event)
                self._watch(on_event)
            self._interrupted = False
        finally:
            self._release()

    # -- staffing ---------------------------------------------------------------------------

    def _staff(self) -> None:
        """Start workers for waiting tasks that no idle or starting worker will take."""
        ready_soon = sum(w.phase in (Phase.IDLE, Phase.STARTING) for w in self._workers.values())
        free_slots = [s for s in range(self.size) if s not in self._workers]
        for slot in free_slots[: max(0, len(self._pending) - ready_soon)]:
            self._spawn(slot)

    def _log_path(self, slot: int) -> Path:
        return self.spec.log_dir / f"{self.spec.assignment}-worker-{slot}.log"

    def _spawn(self, slot: int) -> None:
        self.spec.log_dir.mkdir(parents=True, exist_ok=True)
        first = self.stats[slot].starts == 0  # a fresh log per run; a replaced worker's stays
        with open(self._log_path(slot), "wb" if first else "ab") as log:
            # Own session: a Ctrl-C at the terminal reaches the coordinator only, which decides;
            # and the worker's whole process group can be swept when it must die.
            proc = subprocess.Popen(
                self.spec.command(overlap_start=self._spare_cores()), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, start_new_session=True, close_fds=True,
            )  # fmt: skip
        worker = _Worker(slot, proc)
        self._workers[slot] = worker
        self._selector.register(worker.stdout, selectors.EVENT_READ, worker)
        self.stats[slot].starts += 1

    # -- work -------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        for worker in self._workers.values():
            if worker.phase is not Phase.IDLE or not self._pending:
                continue
            task = self._pending.popleft()
            try:
                assert worker.proc.stdin is not None
                worker.proc.stdin.write(encode(task))
                worker.proc.stdin.flush()
            except OSError:  # it died while idle: the task never started, so it keeps its attempt
                self._pending.appendleft(task)
                continue
            worker.phase, worker.task, worker.since = Phase.BUSY, task, time.monotonic()

    def _poll(self, on_event: Callable[[Event], None]) -> None:
        for key, _ in self._selector.select(timeout=0.25):
            worker: _Worker = key.data
            try:
                chunk = os.read(worker.stdout.fileno(), 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self._bury(worker, on_event)
                continue
            worker.buffer += chunk
            *lines, worker.buffer = worker.buffer.split(b"\n")
            for line in lines:
                if line.strip():
                    self._receive(worker, line, on_event)

    def _receive(self, worker: _Worker, line: bytes, on_event: Callable[[Event], None]) -> None:
        try:
            message = decode(line)
        except ValueError:
            self._kill(worker, "the worker broke the protocol")
            return
        stats = self.stats[worker.slot]
        if isinstance(message, Ready):
            stats.start_seconds.append(round(time.monotonic() - worker.since, 3))
            stats.isolation = IsolationLevel(message.isolation)
            worker.phase = Phase.IDLE
            self._start_failures = 0
        elif isinstance(message, Done) and worker.task is not None:
            task, worker.task = worker.task, None
            worker.phase = Phase.IDLE
            if message.rss_kb > self.recycle_rss_kb:  # memory kept across submissions: start afresh
                self._retire(worker)
            stats.graded += 1
            stats.peak_rss_kb = max(stats.peak_rss_kb, message.peak_rss_kb)
            stats.sandbox_peak_rss_kb = max(stats.sandbox_peak_rss_kb, message.sandbox_peak_rss_kb)
            for stage, seconds in message.stages.items():
                stats.stage_seconds[stage] = stats.stage_seconds.get(stage, 0.0) + seconds
            self._outstanding -= 1
            on_event(Graded(task, message.record))
        elif isinstance(message, Failed) and worker.task is not None:
            task, worker.task = worker.task, None
            worker.phase = Phase.RETIRING  # it exits; a fresh worker retries
            last = message.traceback.strip().splitlines()[-1] if message.traceback.strip() else "an error"
            self._retry_or_give_up(task, f"the grader failed ({last})", on_event, message.traceback)
        elif isinstance(message, Fatal):
            raise _user_error(message)
        else:
            self._kill(worker, f"the worker sent an unexpected {type(message).__name__}")

    def _retire(self, worker: _Worker) -> None:
        """No more work for this worker: closing its pipe makes it exit; a fresh one takes its slot."""
        worker.phase = Phase.RETIRING
        with contextlib.suppress(OSError):
            assert worker.proc.stdin is not None
            worker.proc.stdin.close()

    # -- deaths -----------------------------------------------------------------------------

    def _watch(self, on_event: Callable[[Event], None]) -> None:
        now = time.monotonic()
        for worker in list(self._workers.values()):
            if worker.phase is Phase.BUSY and now - worker.since > self.task_timeout:
                self._kill(worker, f"grading took longer than {self.task_timeout:g} s")
            elif worker.phase is Phase.STARTING and now - worker.since > self.start_timeout:
                self._kill(worker, f"the worker did not start within {self.start_timeout:g} s")

    def _kill(self, worker: _Worker, why: str) -> None:
        """Kill the worker's whole process group; its end of file then buries it."""
        worker.death = worker.death or why
        _signal_group(worker.proc, signal.SIGKILL)

    def _bury(self, worker: _Worker, on_event: Callable[[Event], None]) -> None:
        self._selector.unregister(worker.stdout)
        del self._workers[worker.slot]
        returncode = _reap(worker.proc)
        reason = _exit_reason(returncode)
        if worker.phase is Phase.STARTING:
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                log = self._log_path(worker.slot)
                why = worker.death or reason
                raise CnngraderError(f"grading workers cannot start ({why}); the end of {log}:\n{_tail(log)}")
        if worker.task is not None:
            why = worker.death or f"the grading worker died ({reason})"
            self._retry_or_give_up(worker.task, why, on_event)

    def _retry_or_give_up(
        self, task: Task, why: str, on_event: Callable[[Event], None], detail: str = ""
    ) -> None:
        if task.attempt <= self.retries:
            retry = Task(
                task.student, task.notebook, task.assignment, task.seed, task.timestamp, task.attempt + 1
            )
            self._pending.appendleft(retry)
            on_event(Retrying(task, why))
        else:
            self._outstanding -= 1
            on_event(GaveUp(task, why, detail))

    def _release(self) -> None:
        """Close every worker's pipe, so it exits; when interrupted, also tell it to stop now."""
        for worker in self._workers.values():
            with contextlib.suppress(OSError):
                assert worker.proc.stdin is not None
                worker.proc.stdin.close()
            if self._interrupted:
                _signal_group(worker.proc, signal.SIGTERM)

    def close(self) -> None:
        """Wait a little for the released workers to exit, then sweep what is left of them.

        Their sandboxes (own sessions under bubblewrap) die with them (``--die-with-parent``).
        """
        workers = list(self._workers.values())
        deadline = time.monotonic() + (STOP_GRACE_INTERRUPTED if self._interrupted else STOP_GRACE)
        for worker in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            _signal_group(worker.proc, signal.SIGKILL)  # leftovers in its group, if any
            _reap(worker.proc)
            with contextlib.suppress(OSError):
                worker.stdout.close()
        self._workers.clear()
        self._selector.close()


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal the process group the worker leads (it was started in its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _reap(proc: subprocess.Popen[bytes]) -> int:
    try:
        return proc.wait(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:  # closed its pipe but lingers: it is done for anyway
        _signal_group(proc, signal.SIGKILL)
        return proc.wait()


def _tail(path: Path, lines: int = 8) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.rstrip().splitlines()[-lines:]) or "(no output)"


def _exit_reason(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def _user_error(message: Fatal) -> CnngraderError:
    """The worker's user-facing error, as the same class in the coordinator."""
    cls = getattr(errors, message.error, None)
    if isinstance(cls, type) and issubclass(cls, CnngraderError):
        return cls(message.message)
    error = CnngraderError(message.message)
    error.exit_code = message.exit_code
    return error
