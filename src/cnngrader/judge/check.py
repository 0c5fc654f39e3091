"""Grade a notebook: read it, run it confined, run the hidden tests on what it returned.

A :class:`Judge` is the trusted side of one worker. It never executes student code: it holds a
warm sandbox (whose children do) and the collected hidden suites, and turns each submission
into a :class:`~cnngrader.results.Result`.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import torch

from cnngrader.confine import CellReport, CellStatus, IsolationLevel, Limits, Sandbox
from cnngrader.course.assignments import Assignment
from cnngrader.course.course import Course
from cnngrader.errors import NotebookError
from cnngrader.judge.remote import RemoteSubmission
from cnngrader.judge.session import HiddenSuite
from cnngrader.judge.stages import Stage, StageClock, Timings
from cnngrader.read import read_notebook
from cnngrader.rebuild.skeletons import Skeletons
from cnngrader.results import QuestionResult, Result

MAX_NOTEBOOK_ERRORS = 12


@dataclass(frozen=True)
class Graded:
    """A Result and the cells as they ran (for ``autograded/`` notebooks with outputs)."""

    result: Result
    cells: tuple[CellReport, ...] = ()
    timings: Timings = field(default_factory=Timings)


class Judge:
    """Trusted grader for one worker: a warm sandbox plus the hidden suites, reused per submission."""

    def __init__(
        self,
        *,
        course: Course,
        minimum_isolation: str | IsolationLevel | None = None,
        limits: Limits | None = None,
        assignments: tuple[str, ...] = (),
        sandbox: Sandbox | None = None,
    ) -> None:
        """``assignments`` are collected in the background while the sandbox starts.

        A ``sandbox`` started by the caller (the CLI starts it while torch is still importing)
        is adopted and closed with the judge.
        """
        self.course = course
        # Hidden tests push tiny tensors: one thread avoids oversubscribing the cores that the
        # other workers and the sandboxed children share.
        torch.set_num_threads(1)
        self.limits = limits or course.limits
        minimum = IsolationLevel(minimum_isolation) if minimum_isolation else IsolationLevel.RLIMITS
        self._suites: dict[str, HiddenSuite] = {}
        self._suite_lock = threading.Lock()
        self._skeletons = Skeletons()  # the model structures met so far, rebuilt once each
        for assignment in assignments:
            self.suite(assignment, wait=False)
        self._sandbox = sandbox or Sandbox.start(minimum=minimum, limits=self.limits)

    @property
    def isolation(self) -> IsolationLevel:
        return self._sandbox.isolation

    def suite(self, assignment: str, *, wait: bool = True) -> HiddenSuite:
        """The assignment's hidden suite, collected on first use."""
        with self._suite_lock:
            if assignment not in self._suites:
                self._suites[assignment] = HiddenSuite(course=self.course, assignment=assignment, wait=False)
            suite = self._suites[assignment]
        if wait:
            suite.wait_collected()
        return suite

    def grade(self, *, path: Path, assignment: str, seed: int | None = None) -> Graded:
        """Grade one notebook; problems of the notebook become the Result's errors, not exceptions."""
        spec = self.course.assignment(assignment)
        seed = fresh_seed() if seed is None else seed
        suite = self.suite(assignment)
        clock = StageClock()
        try:
            code = read_notebook(Path(path))
        except NotebookError as exc:
            return Graded(unreadable(spec, path, str(exc), self.isolation, seed), timings=clock.timings())
        with clock.stage(Stage.CELLS):
            run = self._sandbox.run([cell.source for cell in code.cells], limits=self.limits)
        submission = RemoteSubmission(run, cell_numbers=[c.index for c in code.cells], clock=clock,
                                      skeletons=self._skeletons)
        try:
            with clock.stage(Stage.TESTS):
                questions = suite.run(submission, seed=seed)
            cells = tuple(run.cells)
        finally:
            submission.close()
        reports = tuple(_renumber(cells, [c.index for c in code.cells]))
        result = assemble(spec, path, questions, notebook_errors(reports), self.isolation, seed)
        return Graded(result, reports, clock.timings())

    def close(self) -> None:
        for suite in self._suites.values():
            suite.close()
        self._suites.clear()
        self._sandbox.close()

    def __enter__(self) -> Judge:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def check_notebook(
    *,
    path: Path,
    assignment: str,
    course: Course,
    seed: int | None = None,
    minimum_isolation: str | None = None,
    sandbox: Sandbox | None = None,
) -> Result:
    """Grade one notebook with a judge of its own (the ``cnngrader check`` command)."""
    course.assignment(assignment)  # a usage error before any process starts
    judge = Judge(
        course=course,
        minimum_isolation=minimum_isolation,
        assignments=(assignment,),
        sandbox=sandbox,
    )
    with judge:
        return judge.grade(path=path, assignment=assignment, seed=seed).result


def fresh_seed() -> int:
    return secrets.randbelow(2**31)


def assemble(
    spec: Assignment,
    path: Path,
    questions: tuple[QuestionResult, ...],
    errors: tuple[str, ...],
    isolation: IsolationLevel,
    seed: int,
) -> Result:
    score = round(sum(q.score for q in questions), 6)
    return Result(spec.id, str(path), score, spec.max_score, isolation, questions, errors, seed)


def unreadable(spec: Assignment, path: Path, why: str, isolation: IsolationLevel, seed: int) -> Result:
    """Score 0 on every question, and the reason the file could not be read."""
    questions = tuple(QuestionResult(q.id, 0.0, float(q.points), ()) for q in spec.questions)
    return assemble(spec, path, questions, (why,), isolation, seed)


def notebook_errors(cells: tuple[CellReport, ...]) -> tuple[str, ...]:
    """Cells that failed, in words (stubs left as ``raise NotImplementedError()`` are not errors)."""
    out = []
    for cell in cells:
        if cell.status is CellStatus.TIMEOUT:
            out.append(f"cell {cell.index + 1} ran out of time and was stopped; later cells still ran")
        elif cell.status is CellStatus.ERROR and cell.ename != "NotImplementedError":
            out.append(f"cell {cell.index + 1} raised {cell.ename}: {cell.evalue}")
    if len(out) > MAX_NOTEBOOK_ERRORS:
        out = [*out[:MAX_NOTEBOOK_ERRORS], f"... and {len(out) - MAX_NOTEBOOK_ERRORS} more failing cells"]
    return tuple(out)


def _renumber(cells: tuple[CellReport, ...], notebook_indexes: list[int]) -> list[CellReport]:
    """Cell reports count code cells; people count all cells of the notebook."""
    out = []
    for report in cells:
        if 0 <= report.index < len(notebook_indexes):
            report = dataclasses.replace(report, index=notebook_indexes[report.index])
        out.append(report)
    return out
