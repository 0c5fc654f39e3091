"""``cnngrader grade``: grade every submission of an assignment into nbgrader's gradebook.

The coordinator plans (which content keys changed), feeds the changed submissions to warm
workers, and hands every finished record to the one gradebook writer. Nothing heavy is
imported or started when nothing changed, so an idle rerun costs a fraction of a second.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence

from cnngrader.batch.fingerprint import SuiteDigest, content_key, engine_digest, suite_digest
from cnngrader.batch.lock import run_lock
from cnngrader.batch.outputs import write_outputs
from cnngrader.batch.plan import Plan, Planned, make_plan, submission_digest
from cnngrader.batch.pool import Event, GaveUp, Graded, Pool, Retrying, WorkerSpec, WorkerStats
from cnngrader.batch.progress import Progress
from cnngrader.batch.protocol import Task
from cnngrader.batch.snapshot import read_snapshot
from cnngrader.batch.state import Record, Status, failed_result, now, write_record
from cnngrader.batch.summary import BatchReport, ScoreChange, WorkerSummary, crashes, render_summary
from cnngrader.batch.sync import GradebookSync, SyncReport
from cnngrader.batch.worker import DEFAULT_JUDGE
from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.course.course import Course
from cnngrader.course.submissions import find_submissions
from cnngrader.errors import CnngraderError, UsageError

TASK_TIMEOUT = 600.0  # seconds one submission may hold a worker; the judge's own limits are far lower
GAVE_UP = (
    "your notebook could not be graded: the grader stopped twice without a result "
    "(too much memory or time, or a problem on our side); your TA has been told and will look at it"
)
TOLERANCE = 1e-9
INTERRUPTED_SYNC = 3.0  # seconds the gradebook writer may finish after Ctrl-C; the next run does the rest


class GradebookNotUpdated(CnngraderError):
    """Grading finished and every record is saved, but the gradebook could not be written."""


def grade_assignment(
    *,
    course: Course,
    assignment: str,
    students: Sequence[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    minimum_isolation: str | None = None,
    echo: bool = True,
    judge: str = DEFAULT_JUDGE,
    task_timeout: float = TASK_TIMEOUT,
    seed: int | None = None,
) -> BatchReport:
    """Grade what changed (everything with ``force``) and bring the gradebook up to date.

    ``echo`` prints progress (stderr) and the summary (stdout); ``judge`` names the judge
    class as ``module:callable`` (a test double in tests); ``task_timeout`` bounds the time one
    submission may hold a worker before the worker is killed and the submission retried; ``seed``
    draws the hidden inputs of everything graded now (reproducible runs), which otherwise come from
    a fresh seed per new submission and the previous seed for a regrade.
    """
    started = time.monotonic()
    course.assignment(assignment)  # a usage or course error before anything is read
    size = _jobs(jobs)
    names = (students,) if isinstance(students, str) else tuple(students or ())
    with run_lock(course, assignment):
        submissions = find_submissions(course, assignment, names or None)
        suite, engine = suite_digest(course, assignment), engine_digest()
        plan = make_plan(course, assignment, submissions, suite=suite, engine=engine, force=force, seed=seed)
        batch = _Batch(course, assignment, plan, suite, engine, echo=echo)
        workers = WorkerSpec(course.folder, assignment, course.state_dir / "logs", judge, minimum_isolation)
        batch.run(lambda: Pool(workers, min(size, len(plan.todo)), task_timeout=task_timeout))
    report = batch.report(seconds=time.monotonic() - started)
    if echo:
        print(render_summary(report, ascii_only=not _utf8(sys.stdout)), flush=True)
    if report.gradebook.error:
        error = GradebookNotUpdated(f"the gradebook was not updated: {report.gradebook.error}")
        error.exit_code = report.gradebook.error_exit_code
        raise error
    return report


class _Batch:
    """The state of one run: what was planned, what finished, what moved."""

    def __init__(
        self, course: Course, assignment: str, plan: Plan, suite: SuiteDigest, engine: str, *, echo: bool
    ) -> None:
        self.course, self.assignment, self.plan = course, assignment, plan
        self.suite, self.engine = suite, engine
        self.planned = {p.submission.student: p for p in plan.todo}
        self.finished: dict[str, Record] = {}
        self.moved: list[ScoreChange] = []
        self.retried: list[str] = []
        self.stats: list[WorkerStats] = []
        self.sync_report = SyncReport()
        self.progress = Progress(total=len(plan.todo), label=f"grade {assignment}", echo=echo)
        self.sync: GradebookSync | None = None

    def run(self, make_pool: Callable[[], Pool]) -> None:
        stale = self._stale()
        if not self.plan.todo and not stale:
            return  # idle: no worker, no torch, no nbgrader import
        self.sync = GradebookSync(self.course, self.assignment).start()
        for record in stale:
            self.sync.put(record)
        tasks = [self._task(p) for p in self.plan.todo if p.submission.problem is None]
        pool = make_pool() if tasks else None
        self.stats = pool.stats if pool is not None else []  # filled in as the workers report
        interrupted = True
        try:
            if pool is not None:
                pool.run(tasks, self.on_event)
            for planned in self.plan.todo:  # after the workers: their isolation level is the batch's
                if planned.submission.problem is not None:
                    self._finish(self._task(planned), self._refused(planned))
            interrupted = False
        finally:  # also on Ctrl-C: what finished is written (for a few seconds) before it goes on
            self.progress.close()
            try:  # while the released workers exit
                self.sync_report = self.sync.finish(timeout=INTERRUPTED_SYNC if interrupted else None)
            finally:
                if pool is not None:
                    pool.close()

    def _stale(self) -> list[Record]:
        """Up-to-date records that the gradebook does not reflect (a run killed before it synced)."""
        if not self.plan.current:
            return []
        notebook_id = self.course.assignment(self.assignment).notebook_id
        snapshot = read_snapshot(self.course, self.assignment, notebook_id)
        return list(self.plan.current) if snapshot is None else snapshot.stale(self.plan.current)

    def _task(self, planned: Planned) -> Task:
        sub = planned.submission
        return Task(sub.student, str(sub.notebook), self.assignment, planned.seed, sub.timestamp)

    def on_event(self, event: Event) -> None:
        if isinstance(event, Graded):
            self._finish(event.task, Record.from_dict(event.record))
        elif isinstance(event, Retrying):
            self.retried.append(event.task.student)
            self.progress.note(f"{event.task.student}: {event.why}; trying again on a fresh worker")
        elif isinstance(event, GaveUp):
            self.progress.note(f"{event.task.student}: {event.why} again; recorded as an error")
            self._finish(event.task, self._given_up(event))

    def _finish(self, task: Task, record: Record) -> None:
        assert self.sync is not None
        self.sync.put(record)
        self.finished[task.student] = record
        change = score_change(self.planned[task.student], record)
        if change is not None:
            self.moved.append(change)
        # A public check left failing is the student's own finding, listed apart as the summary does.
        self.progress.advance(error=bool(crashes(record)))

    def _given_up(self, event: GaveUp) -> Record:
        detail = f"gave up after {event.task.attempt} attempts: {event.why}\n{event.detail}".strip()
        planned = self.planned[event.task.student]
        return self._error_record(planned, GAVE_UP, Status.FAILED, event.task.attempt, detail)

    def _refused(self, planned: Planned) -> Record:
        assert planned.submission.problem is not None
        return self._error_record(planned, planned.submission.problem, Status.REFUSED, 0, "")

    def _isolation(self) -> IsolationLevel:
        """The workers' isolation level; NONE if no worker ran (nothing was run at all)."""
        return next((s.isolation for s in self.stats if s.isolation), IsolationLevel.NONE)

    def _error_record(self, planned: Planned, why: str, status: Status, attempts: int, detail: str) -> Record:
        """A score of 0 and the reason, written as a worker writes a grade (outputs, then record)."""
        sub = planned.submission
        sha = submission_digest(sub)
        result = failed_result(
            spec=self.course.assignment(self.assignment),
            notebook=sub.notebook,
            why=why,
            isolation=self._isolation(),
            seed=planned.seed,
            student=sub.student,
        )
        record = Record(
            student=sub.student,
            key=content_key(notebook=sha, suite=self.suite.digest, engine=self.engine, seed=planned.seed),
            seed=planned.seed,
            notebook_sha=sha,
            suite_files=self.suite.files,
            engine=self.engine,
            result=result,
            status=status,
            attempts=attempts,
            graded_at=now(),
            timestamp=sub.timestamp,
            grader_error=detail,
        )
        write_outputs(self.course, record, ())
        write_record(self.course.record_path(record.student, self.assignment), record)
        return record

    def report(self, *, seconds: float) -> BatchReport:
        current = {r.student: r for r in self.plan.current} | self.finished
        return BatchReport(
            assignment=self.course.assignment(self.assignment),
            records=tuple(current[s] for s in sorted(current)),
            graded=tuple(sorted(self.finished)),
            unchanged=len(self.plan.current),
            moved=tuple(sorted(self.moved, key=lambda m: m.student)),
            retried=tuple(self.retried),
            seconds=round(seconds, 3),
            workers=tuple(_summary(w) for w in self.stats),
            gradebook=self.sync_report,
        )


def score_change(planned: Planned, record: Record) -> ScoreChange | None:
    """How the student's scores moved against the previous record, if there was one and they did."""
    if planned.previous is None:
        return None
    before, after = planned.previous.scores(), record.scores()
    deltas = tuple(
        (q, round(after.get(q, 0.0) - before.get(q, 0.0), 6))
        for q in after
        if abs(after.get(q, 0.0) - before.get(q, 0.0)) > TOLERANCE
    )
    if not deltas:
        return None
    return ScoreChange(
        record.student, planned.previous.result.score, record.result.score, deltas, planned.reason.value
    )


def _summary(stats: WorkerStats) -> WorkerSummary:
    return WorkerSummary(
        stats.slot, stats.starts, stats.graded, tuple(stats.start_seconds),
        stats.peak_rss_kb, stats.sandbox_peak_rss_kb, stats.isolation, dict(stats.stage_seconds),
    )  # fmt: skip


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    return jobs


def _utf8(stream: object) -> bool:
    return "utf" in str(getattr(stream, "encoding", "") or "").lower()
