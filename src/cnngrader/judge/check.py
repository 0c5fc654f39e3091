"""Grade a notebook: read it, run it confined, run the hidden tests on what it returned.

A :class:`Judge` is the trusted side of one worker. It never executes student code: it holds a
warm sandbox (whose children do) and the collected hidden suites, and turns each submission
into a :class:`~cnngrader.results.Result`.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import torch

from cnngrader.confine import CellReport, CellStatus, IsolationLevel, Limits, Sandbox
from cnngrader.course.assignments import Assignment
from cnngrader.course.course import Course
from cnngrader.course.students import ENV_VAR, Whose, folder_student, stated_in_sources, whose_variant
from cnngrader.course.variants import Variant, VariantHook, variant_hook
from cnngrader.errors import NotebookError
from cnngrader.judge import memory
from cnngrader.judge.remote import RemoteSubmission
from cnngrader.judge.session import HiddenSuite
from cnngrader.judge.stages import Stage, StageClock, Timings
from cnngrader.judge.warm import warm_up
from cnngrader.read import read_notebook
from cnngrader.read.demos import CourseCells, plan
from cnngrader.rebuild.skeletons import Skeletons
from cnngrader.results import FAILING_CHECK, QuestionResult, Result

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
        self._hooks: dict[str, VariantHook | None] = {}
        self._course_cells: dict[str, CourseCells] = {}
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

    def variants(self, assignment: str) -> VariantHook | None:
        """The assignment's per-student variants (the course's hook), or None; loaded on first use."""
        with self._suite_lock:
            if assignment not in self._hooks:
                self._hooks[assignment] = variant_hook(self.course, assignment)
            return self._hooks[assignment]

    def prepare(self, assignment: str) -> None:
        """What a first grade of ``assignment`` would do before it runs a notebook, done now.

        The hidden suite is collected, the course's demo cells and variants read, the rebuild
        paths warmed on a model of the judge's own, and start-up frozen out of the collector's
        way. A cold ``check`` does this while its zygote is still booting.
        """
        self.suite(assignment)
        self.course_cells(assignment)
        self.variants(assignment)
        warm_up()
        memory.freeze_startup()

    def course_cells(self, assignment: str) -> CourseCells:
        """The demo cells and public checks of the course's own notebook (none if it cannot be read)."""
        with self._suite_lock:
            if assignment not in self._course_cells:
                try:
                    code = read_notebook(self.course.source_notebook(assignment))
                except (NotebookError, OSError):
                    self._course_cells[assignment] = CourseCells()
                else:
                    self._course_cells[assignment] = CourseCells.of(code.cells)
            return self._course_cells[assignment]

    def grade(
        self, *, path: Path, assignment: str, seed: int | None = None, student: str | None = None
    ) -> Graded:
        """Grade one notebook; problems of the notebook become the Result's errors, not exceptions.

        ``student`` is whose submission it is (its folder, or ``--student``): where the assignment
        has variants, it is graded with that student's questions, else with those of the id the
        notebook states, else with the canonical ones.
        """
        spec = self.course.assignment(assignment)
        seed = fresh_seed() if seed is None else seed
        suite = self.suite(assignment)
        hook = self.variants(assignment)
        clock = StageClock()
        try:
            code = read_notebook(Path(path))
        except NotebookError as exc:
            return Graded(
                unreadable(spec, path, str(exc), self.isolation, seed, student), timings=clock.timings()
            )
        sources = [cell.source for cell in code.cells]
        numbers = [c.index for c in code.cells]
        left_out = plan(sources, self.course_cells(assignment), {q.id: q.names for q in spec.questions})
        whose = Whose(student)
        if hook is not None:
            whose = whose_variant(given=student, stated=stated_in_sources(sources))
            # The notebook computes its numbers from the id it is graded for, as a kernel would.
            sources, numbers = [student_cell(whose.student), *sources], [PREAMBLE, *numbers]
            left_out = left_out.shifted(1)
        with clock.stage(Stage.CELLS):
            run = self._sandbox.run(sources, limits=self.limits, skip=left_out.skip())
        submission = RemoteSubmission(run, cell_numbers=numbers, clock=clock, skeletons=self._skeletons)
        try:
            with clock.stage(Stage.TESTS):
                questions = suite.run(submission, seed=seed, student=whose.student)
            with clock.stage(Stage.CELLS):  # the public checks of questions that lost points
                run.run_later(left_out.later(q.id for q in questions if q.score < q.max_score))
            cells = tuple(run.cells)
        finally:
            submission.close()
        if hook is not None:
            cells = tuple(_after_preamble(cells))
            questions = with_prompts(questions, hook(whose.student))
        reports = tuple(_renumber(cells, [c.index for c in code.cells]))
        checks = frozenset(c.index for c in code.cells if c.public_check)
        errors = whose.notes + notebook_errors(reports, checks)
        result = assemble(spec, path, questions, errors, self.isolation, seed, whose.student,
                          answers=submission.answers)  # fmt: skip
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


def check_notebook(*, path: Path, **options: Any) -> Result:
    """Grade one notebook with a judge of its own (the ``cnngrader check`` command).

    ``student`` (``--student``) says whose variant to grade; without it, a notebook inside a
    student's folder of the course is that student's, and any other one is graded for the id it
    states, or else with the canonical variant. ``options`` are :func:`check_notebooks`'.
    """
    return check_notebooks(paths=[path], **options)[0]


def check_notebooks(
    *,
    paths: Sequence[Path],
    assignment: str,
    course: Course,
    seed: int | None = None,
    minimum_isolation: str | None = None,
    sandbox: Sandbox | None = None,
    student: str | None = None,
) -> list[Result]:
    """Notebooks graded in turn by one warm judge, each as :func:`check_notebook` would grade it."""
    course.assignment(assignment)  # a usage error before any process starts
    judge = Judge(course=course, minimum_isolation=minimum_isolation, assignments=(assignment,),
                  sandbox=sandbox)  # fmt: skip
    with judge:
        judge.prepare(assignment)
        return [_check_one(judge, path, assignment, seed, student) for path in paths]


def _check_one(judge: Judge, path: Path, assignment: str, seed: int | None, student: str | None) -> Result:
    whose = student if student is not None else folder_student(judge.course, path, assignment)
    return judge.grade(path=path, assignment=assignment, seed=seed, student=whose).result


def fresh_seed() -> int:
    return secrets.randbelow(2**31)


PREAMBLE = -1  # the notebook index reported for the cell the grader runs first


def student_cell(student: str | None) -> str:
    """The cell run before the notebook's own: it tells the notebook whose variant it is graded for,
    as ``$CNNGRADER_STUDENT`` (empty: the canonical variant), without binding any name."""
    return f'__import__("os").environ[{ENV_VAR!r}] = {(student or "")!r}\n'


def _after_preamble(cells: tuple[CellReport, ...]) -> list[CellReport]:
    """The notebook's own cell reports: the grader's first cell dropped, the others renumbered."""
    return [dataclasses.replace(c, index=c.index - 1) for c in cells if c.index >= 1]


def with_prompts(questions: tuple[QuestionResult, ...], variant: Variant) -> tuple[QuestionResult, ...]:
    """Each question with the prompt this student got (where the variant has one)."""
    prompts = variant.prompts()
    return tuple(dataclasses.replace(q, prompt=prompts.get(q.id, q.prompt)) for q in questions)


def assemble(
    spec: Assignment,
    path: Path,
    questions: tuple[QuestionResult, ...],
    errors: tuple[str, ...],
    isolation: IsolationLevel,
    seed: int,
    student: str | None = None,
    answers: dict[str, Any] | None = None,
) -> Result:
    score = round(sum(q.score for q in questions), 6)
    return Result(spec.id, str(path), score, spec.max_score, isolation, questions, errors, seed, student,
                  answers=dict(answers or {}))  # fmt: skip


def unreadable(
    spec: Assignment, path: Path, why: str, isolation: IsolationLevel, seed: int, student: str | None = None
) -> Result:
    """Score 0 on every question, and the reason the file could not be read."""
    questions = tuple(QuestionResult(q.id, 0.0, float(q.points), ()) for q in spec.questions)
    return assemble(spec, path, questions, (why,), isolation, seed, student)


def notebook_errors(cells: tuple[CellReport, ...], checks: frozenset[int] = frozenset()) -> tuple[str, ...]:
    """Cells that failed, in words (stubs left as ``raise NotImplementedError()`` are not errors).

    ``checks`` are the notebook's public checks (read-only cells not tagged ``setup``): one that
    fails is said as such, with its own message, since the student handed in a notebook whose
    check says what is wrong.
    """
    out = []
    for cell in cells:
        if cell.status is CellStatus.TIMEOUT:
            out.append(f"cell {cell.index + 1} ran out of time and was stopped; later cells still ran")
        elif cell.status is CellStatus.ERROR and cell.ename != "NotImplementedError":
            if cell.index in checks:
                said = cell.evalue if cell.ename == "AssertionError" else f"{cell.ename}: {cell.evalue}"
                out.append(f"{FAILING_CHECK} {cell.index + 1} fails: {said}")
            else:
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
