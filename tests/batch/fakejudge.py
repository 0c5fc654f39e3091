"""A test double of ``cnngrader.judge.check.Judge`` for the orchestration tests.

It never executes the notebook: it reads each ``qN = <literal>`` with ``ast.literal_eval`` and
compares it with the ``ANSWER`` of ``autograder/quiz6/test_qN.py``. Marker comments in a cell
make it misbehave the way a worker can: ``# FAKE: crash`` (SIGKILL itself), ``# FAKE: crash-once``,
``# FAKE: hang``, ``# FAKE: sleep S``, ``# FAKE: bug`` (raise), ``# FAKE: timeout qN``.
Every finished grade appends ``student pid`` to ``<course>/fake-judge.log``.
"""

from __future__ import annotations

import ast
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnngrader.confine import CellReport, CellStatus, IsolationLevel
from cnngrader.course import Course
from cnngrader.errors import NotebookError
from cnngrader.read import read_notebook
from cnngrader.results import Outcome, QuestionResult, Result, TestResult


@dataclass(frozen=True)
class FakeGraded:
    result: Result
    cells: tuple[CellReport, ...]


def normal(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().upper()
    if isinstance(value, (set, frozenset)):
        return frozenset(normal(v) for v in value)
    if isinstance(value, (list, tuple)):
        return tuple(normal(v) for v in value)
    return value


class FakeJudge:
    isolation = IsolationLevel.RLIMITS  # it runs nothing at all, so it claims the least

    def __init__(self, *, course: Course, minimum_isolation: str | None = None) -> None:
        self.course = course
        self.course_root = course.root
        if minimum_isolation == "bubblewrap":
            from cnngrader.errors import IsolationError

            raise IsolationError("the fake judge cannot reach bubblewrap")
        self.keys: dict[str, dict[str, Any]] = {}

    def prepare(self, assignment: str) -> None:
        self.suite(assignment)

    def suite(self, assignment: str) -> dict[str, Any]:
        if assignment not in self.keys:
            folder = self.course_root / "autograder" / assignment
            self.keys[assignment] = {
                p.stem.removeprefix("test_"): _answer(p) for p in folder.glob("test_*.py")
            }
        return self.keys[assignment]

    def grade(
        self, *, path: Path, assignment: str, seed: int | None = None, student: str | None = None
    ) -> FakeGraded:
        spec = self.course.assignment(assignment)
        seed = 0 if seed is None else seed
        try:
            code = read_notebook(Path(path))
        except NotebookError as exc:
            questions = tuple(QuestionResult(q.id, 0.0, float(q.points), ()) for q in spec.questions)
            return FakeGraded(
                Result(spec.id, str(path), 0.0, spec.max_score, self.isolation, questions, (str(exc),), seed),
                (),
            )
        sources = [c.source for c in code.cells]
        self._misbehave("\n".join(sources), Path(path))
        values = _values(sources)
        timeouts = {
            line.split()[-1] for s in sources for line in s.splitlines() if line.startswith("# FAKE: timeout")
        }
        key = self.suite(assignment)
        questions = tuple(_question(q.id, float(q.points), values, key, timeouts) for q in spec.questions)
        score = sum(q.score for q in questions)
        result = Result(spec.id, str(path), score, spec.max_score, self.isolation, questions, (), seed)
        cells = tuple(CellReport(c.index, CellStatus.OK, stdout=f"ran cell {c.index}\n") for c in code.cells)
        self._log(Path(path))
        return FakeGraded(result, cells)

    def close(self) -> None:
        pass

    def _misbehave(self, text: str, path: Path) -> None:
        if "# FAKE: crash-once" in text:
            marker = path.with_suffix(".crashed")
            if not marker.exists():
                marker.write_text("x")
                os.kill(os.getpid(), signal.SIGKILL)
        elif "# FAKE: crash" in text:
            os.kill(os.getpid(), signal.SIGKILL)
        if "# FAKE: hang" in text:
            time.sleep(3600)
        if "# FAKE: bug" in text:
            raise RuntimeError("a fake bug in the engine")
        for line in text.splitlines():
            if line.startswith("# FAKE: sleep"):
                time.sleep(float(line.split()[-1]))

    def _log(self, path: Path) -> None:
        with open(self.course_root / "fake-judge.log", "a") as fh:
            fh.write(f"{path.parts[-3]} {os.getpid()}\n")


def _answer(path: Path) -> Any:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "ANSWER" for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"no ANSWER in {path}")


def _values(sources: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                try:
                    values[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return values


def _question(
    qid: str, points: float, values: dict[str, Any], key: dict[str, Any], timeouts: set[str]
) -> QuestionResult:
    name = f"{qid}: the right answer"
    if qid in timeouts:
        test = TestResult(name, 0.0, points, Outcome.TIMEOUT, "your code ran out of time")
    elif qid not in values:
        test = TestResult(
            name, 0.0, points, Outcome.NOT_ATTEMPTED, f"{qid} is not defined: run the cell that defines it"
        )
    elif normal(values[qid]) == normal(key.get(qid)):
        test = TestResult(name, points, points, Outcome.PASSED)
    else:
        test = TestResult(name, 0.0, points, Outcome.FAILED, f"{qid} is not the right answer")
    return QuestionResult(qid, test.score, points, (test,))
