"""Hidden pytest suites, collected once and run against submission after submission.

pytest's collection costs far more than running a handful of small tests, so a judge keeps one
pytest session per assignment alive in a thread: the session collects ``autograder/<id>/`` once
and then, for each submission it is handed, runs every collected item again with
``runtestprotocol`` (as pytest-rerunfailures does). ``run_once`` is the one-shot form used
in the student's kernel.
"""

from __future__ import annotations

import builtins
import os
import queue
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from _pytest.runner import runtestprotocol

from cnngrader.course.assignments import Assignment, check_points
from cnngrader.course.course import Course
from cnngrader.errors import CourseError
from cnngrader.judge import plugin
from cnngrader.results import QuestionResult, TestResult
from cnngrader.testing import Submission

# Quiet, hermetic pytest: no cache, no capture (we are not a terminal session), plain asserts so
# messages are exactly what the test author wrote, and no ini file of the surrounding project.
PYTEST_ARGS = (
    "-c", os.devnull,
    "-p", "cnngrader.judge.plugin",
    "-p", "no:cacheprovider",
    "-p", "no:warnings",
    "-p", "no:faulthandler",
    "-p", "no:logging",
    # These two call gc.collect() around every test: about 0.1 s per test with torch loaded.
    "-p", "no:unraisableexception",
    "-p", "no:threadexception",
    "-p", "no:terminal",
    "--capture=no",
    "--assert=plain",
)  # fmt: skip


def _importable(folder: Path) -> None:
    """Free the module names of ``folder``'s files for this collection.

    pytest imports a test file (and the helpers it imports) under its bare file name; another
    copy of the course collected earlier in this process would hold those names and make pytest
    refuse the import. Modules already collected keep working: their tests hold their globals.
    """
    for file in folder.glob("*.py"):
        sys.modules.pop(file.stem, None)


def question_results(
    assignment: Assignment, recorded: dict[str, tuple[str, TestResult]]
) -> tuple[QuestionResult, ...]:
    """Group recorded tests by question, in the notebook's order; every question appears."""
    by_question: dict[str, list[TestResult]] = {q.id: [] for q in assignment.questions}
    for question, result in recorded.values():
        by_question.setdefault(question, []).append(result)
    out = []
    for q in assignment.questions:
        tests = tuple(by_question[q.id])
        score = round(sum(t.score for t in tests), 6)
        out.append(QuestionResult(q.id, score, float(q.points), tests))
    return tuple(out)


@dataclass
class _Job:
    submission: Submission
    seed: int
    student: str | None
    future: Future[dict[str, tuple[str, TestResult]]]


class _PlainImports:
    """While hidden tests are imported, hide any assertion-rewriting hook an outer pytest left.

    When cnngrader itself runs under pytest (its own test suite), that pytest's import hook would
    rewrite the hidden test files too and replace the authors' messages with operand dumps.
    """

    def __init__(self) -> None:
        self.hooks = [f for f in sys.meta_path if type(f).__name__ == "AssertionRewritingHook"]
        for hook in self.hooks:
            sys.meta_path.remove(hook)

    def restore(self) -> None:
        for hook in reversed(self.hooks):
            if hook not in sys.meta_path:
                sys.meta_path.insert(0, hook)
        self.hooks = []


# Reported by pytest itself: skips, and exception groups (which may hold only skips).
SKIPS = tuple(t for t in (pytest.skip.Exception, getattr(builtins, "BaseExceptionGroup", None))
              if isinstance(t, type))  # fmt: skip


class _LoopPlugin:
    """Takes over pytest's run loop: runs every collected item once per queued job."""

    def __init__(
        self, jobs: queue.Queue[_Job | None], ready: threading.Event, assignment: Assignment | None = None
    ) -> None:
        self.jobs = jobs
        self.ready = ready
        self.assignment = assignment
        self.collect_error: str | None = None
        self.plain: _PlainImports | None = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.plain is not None:
            self.plain.restore()
        if self.assignment is not None and self.collect_error is None:
            self.collect_error = collected_problem(self.assignment, session.items)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_error = f"hidden tests could not be collected: {report.nodeid}"

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport | None:
        """A failed test's report without pytest's formatted traceback.

        pytest parses the test's source to format it (about 30 ms per failing test, 0.14 s of a
        typical grade of the shipped lab), and nothing reads it: a result is made from ``call.excinfo``
        (:func:`cnngrader.judge.plugin.test_result`). Skips keep pytest's own report.
        """
        excinfo, when = call.excinfo, call.when
        if excinfo is None or when == "collect" or isinstance(excinfo.value, SKIPS):
            return None
        keywords: dict[str, Literal[1]] = dict.fromkeys(item.keywords, 1)
        return pytest.TestReport(item.nodeid, item.location, keywords, "failed", excinfo.typename, when, [],
                                 call.duration, call.start, call.stop)  # fmt: skip

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        self.ready.set()
        while (job := self.jobs.get()) is not None:
            try:
                job.future.set_result(_run_items(session, job.submission, job.seed, job.student))
            except BaseException as exc:  # the caller re-raises it where it waits
                job.future.set_exception(exc)
            job = None  # let the submission (its models, its weights) go while the loop waits
        return True


def _run_items(
    session: pytest.Session, submission: Submission, seed: int, student: str | None = None
) -> dict[str, tuple[str, TestResult]]:
    ctx = plugin.context(session.config)
    ctx.submission, ctx.seed, ctx.student, ctx.results = submission, seed, student, {}
    items = session.items
    try:
        for i, item in enumerate(items):
            item._initrequest()  # type: ignore[attr-defined]  # fresh fixtures for a rerun
            runtestprotocol(item, nextitem=items[i + 1] if i + 1 < len(items) else None, log=False)
        return dict(ctx.results)
    finally:
        ctx.submission = None


class HiddenSuite:
    """One assignment's hidden tests, collected once, run per submission (thread-safe calls)."""

    def __init__(self, *, course: Course, assignment: str, wait: bool = True) -> None:
        """Collect in a thread; with ``wait=False`` the caller overlaps other start-up with it."""
        self.assignment = course.assignment(assignment)
        self._dir = course.tests_dir(assignment)
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._ready = threading.Event()
        self._loop = _LoopPlugin(self._jobs, self._ready, self.assignment)
        self._lock = threading.Lock()
        self._exit: list[Any] = []
        self._thread = threading.Thread(target=self._main, name=f"hidden-{assignment}", daemon=True)
        self._thread.start()
        if wait:
            self.wait_collected()

    def wait_collected(self) -> None:
        """Block until collection ends; a suite that cannot be collected is a CourseError."""
        self._ready.wait()
        if self._exit:
            raise CourseError(
                f"hidden tests in {self._dir} could not be collected (pytest exit {self._exit[0]})"
            )
        if self._loop.collect_error:
            self.close()
            raise CourseError(self._loop.collect_error)

    def _main(self) -> None:
        _importable(self._dir)
        self._loop.plain = _PlainImports()
        try:
            code = pytest.main(
                [*PYTEST_ARGS, "--rootdir", str(self._dir), str(self._dir)], plugins=[self._loop]
            )
        finally:
            self._loop.plain.restore()
        if not self._ready.is_set():
            self._exit.append(code)
            self._ready.set()

    def run(
        self, submission: Submission, *, seed: int, student: str | None = None
    ) -> tuple[QuestionResult, ...]:
        """Run every hidden test on ``submission``; ``student``: whose variant (None: canonical)."""
        self.wait_collected()
        future: Future[dict[str, tuple[str, TestResult]]] = Future()
        with self._lock:
            self._jobs.put(_Job(submission, seed, student, future))
            recorded = future.result()
        return question_results(self.assignment, recorded)

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=10)


def collected_problem(assignment: Assignment, items: Sequence[pytest.Item]) -> str | None:
    """Why the collected tests do not match the assignment's grade cells, if they do not."""
    totals: dict[str, float] = {}
    for item in items:
        question = plugin.question_of(item)
        if question is None:
            return f"{item.nodeid}: this hidden test has no question marker"
        totals[question] = totals.get(question, 0.0) + plugin.points_of(item)
    for q in assignment.questions:
        try:
            check_points(q, totals.get(q.id, 0.0), where=f"hidden tests of {assignment.id}")
        except CourseError as exc:
            return str(exc)
    unknown = sorted(set(totals) - {q.id for q in assignment.questions})
    return f"hidden tests of {assignment.id}: question {unknown[0]!r} has no grade cell" if unknown else None


def run_once(
    *,
    paths: Sequence[Path],
    assignment: Assignment,
    submission: Submission,
    seed: int,
    student: str | None = None,
) -> tuple[QuestionResult, ...]:
    """Collect and run hidden test files once (the in-kernel path): no thread, no loop."""
    ctx = plugin.Context(submission=submission, seed=seed, student=student)

    class _Inject:
        @pytest.hookimpl(tryfirst=True)
        def pytest_configure(self, config: pytest.Config) -> None:
            config.stash[plugin.CONTEXT] = ctx

    rootdir = str(Path(paths[0]).parent) if paths else "."
    _importable(Path(rootdir))
    plain = _PlainImports()
    try:
        pytest.main([*PYTEST_ARGS, "--rootdir", rootdir, *map(str, paths)], plugins=[_Inject()])
    finally:
        plain.restore()
    return question_results(assignment, ctx.results)
