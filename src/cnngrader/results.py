"""Records of a grading: frozen dataclasses that serialise to the JSON schema of the spec."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from cnngrader.confine.shared.levels import IsolationLevel

# How a notebook-level problem begins when it is a public check the student left failing (not a
# cell that crashed): summaries list those apart.
FAILING_CHECK = "public check in cell"


class Outcome(str, enum.Enum):
    """How one hidden test ended."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_ATTEMPTED = "not_attempted"


@dataclass(frozen=True)
class TestResult:
    """One hidden test: its points and what the student should read about it."""

    __test__ = False  # not a pytest test class

    name: str
    score: float
    max_score: float
    outcome: Outcome
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "outcome": self.outcome.value,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestResult:
        return cls(
            name=str(data["name"]),
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            outcome=Outcome(data["outcome"]),
            message=str(data.get("message", "")),
        )


@dataclass(frozen=True)
class QuestionResult:
    """One question (an nbgrader grade id) and its tests."""

    id: str
    score: float
    max_score: float
    tests: tuple[TestResult, ...] = ()
    prompt: str = ""  # the question as this student got it, where the assignment has variants

    @property
    def outcome(self) -> Outcome:
        """The question's outcome as one word: not_attempted only if no test was attempted."""
        outcomes = {t.outcome for t in self.tests}
        if outcomes == {Outcome.NOT_ATTEMPTED}:
            return Outcome.NOT_ATTEMPTED
        if outcomes and outcomes <= {Outcome.PASSED}:
            return Outcome.PASSED
        for worst in (Outcome.TIMEOUT, Outcome.ERROR, Outcome.FAILED):
            if worst in outcomes:
                return worst
        return Outcome.FAILED

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "score": self.score, "max_score": self.max_score}
        if self.prompt:
            data["prompt"] = self.prompt
        data["tests"] = [t.to_dict() for t in self.tests]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuestionResult:
        return cls(
            id=str(data["id"]),
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            tests=tuple(TestResult.from_dict(t) for t in data.get("tests", [])),
            prompt=str(data.get("prompt", "")),
        )


@dataclass(frozen=True)
class Result:
    """The grade of one notebook for one assignment."""

    assignment: str
    notebook: str
    score: float
    max_score: float
    isolation: IsolationLevel
    questions: tuple[QuestionResult, ...]
    errors: tuple[str, ...] = ()
    seed: int | None = None
    student: str | None = None  # whose variant was graded; None: the canonical one (or no student)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # What the hidden tests read with ``sub.value(name)``, as plain capped JSON (see
    # ``judge.recorded``): for item analysis, not part of the verdict. None: not kept (older records).
    answers: dict[str, Any] | None = field(default=None, compare=False)

    def question(self, question_id: str) -> QuestionResult:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "assignment": self.assignment,
            "notebook": self.notebook,
            "score": self.score,
            "max_score": self.max_score,
            "isolation": self.isolation.value,
            "seed": self.seed,
            "student": self.student,
            "questions": [q.to_dict() for q in self.questions],
            "errors": list(self.errors),
        }
        if self.answers is not None:
            data["answers"] = dict(self.answers)
        data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        known = {"assignment", "notebook", "score", "max_score", "isolation", "seed", "student", "questions",
                 "errors", "answers"}  # fmt: skip
        return cls(
            assignment=str(data["assignment"]),
            notebook=str(data["notebook"]),
            score=float(data["score"]),
            max_score=float(data["max_score"]),
            isolation=IsolationLevel(data["isolation"]),
            questions=tuple(QuestionResult.from_dict(q) for q in data["questions"]),
            errors=tuple(str(e) for e in data.get("errors", [])),
            seed=data.get("seed"),
            student=data.get("student"),
            extra={k: v for k, v in data.items() if k not in known},
            answers=_answers(data.get("answers")),
        )


def _answers(data: Any) -> dict[str, Any] | None:
    """Recorded answers by name; None where none were kept (a record older than answers)."""
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else None
