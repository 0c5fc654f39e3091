"""What a grader must give a notebook, from the labels of its answers, and how to check a result.

The rules: a right answer gets full marks; a mistake less than full on its own question, with a
failing test whose message says the labelled words, and where it is labelled with the points a
fair grader takes, that many (within the range); an answer that breaks a rule the notebook states
gets none of its question's points, with a message that quotes the rule; a stub is
``not_attempted``; a broken or hostile cell never earns more than honest. A hostile cell may take
the rest of its notebook down with it, so beside one the other questions are only bounded by full
marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from students.course import assignment as contract_assignment
from students.variant import Expect, Kind, Variant

TOLERANCE = 1e-6
STRICT = (Expect.BELOW_FULL, Expect.SOME_NOT_ATTEMPTED)


@dataclass(frozen=True)
class QuestionExpectation:
    """The verdict one question deserves."""

    question: str
    max_score: float
    expect: Expect
    variant: str | None = None
    kind: Kind | None = None
    words: tuple[str, ...] = ()
    note: str = ""
    lose: tuple[float, float] | None = None

    @property
    def score(self) -> float | None:
        """The exact score, where the labels fix it."""
        if self.expect is Expect.FULL:
            return self.max_score
        if self.expect in (Expect.NOT_ATTEMPTED, Expect.ZERO):
            return 0.0
        return None

    def violations(self, found: Mapping[str, Any]) -> list[str]:
        """What is wrong with the result ``found`` of this question (empty if it is as expected)."""
        score = float(found["score"])
        tests = list(found.get("tests", []))
        outcomes = [t["outcome"] for t in tests]
        where = f"{self.question} ({self.variant or 'unreadable notebook'}, expected {self.expect.value})"
        problems = []
        if not -TOLERANCE <= score <= self.max_score + TOLERANCE:
            problems.append(f"{where}: score {score} outside 0..{self.max_score}")
        if self.score is not None and abs(score - self.score) > TOLERANCE:
            problems.append(f"{where}: score {score}, expected {self.score}")
        if self.expect in STRICT and score >= self.max_score - TOLERANCE:
            problems.append(f"{where}: full marks ({score}) for an answer that deserves less")
        if self.lose is not None:
            least, most = self.lose
            lost = self.max_score - score
            if not least - TOLERANCE <= lost <= most + TOLERANCE:
                problems.append(
                    f"{where}: lost {lost:g} points; a fair grader takes {least:g} to {most:g}"
                )
        if self.expect is Expect.NOT_ATTEMPTED and (not outcomes or set(outcomes) != {"not_attempted"}):
            problems.append(f"{where}: outcomes {outcomes}, expected all not_attempted")
        if self.expect is Expect.SOME_NOT_ATTEMPTED and "not_attempted" not in outcomes:
            problems.append(f"{where}: outcomes {outcomes}, expected some not_attempted")
        problems += self._missing_words(where, tests)
        return problems

    def _missing_words(self, where: str, tests: list[Mapping[str, Any]]) -> list[str]:
        messages = " || ".join(str(t.get("message", "")) for t in tests if t["outcome"] != "passed").lower()
        missing = [w for w in self.words if not any(alt.strip().lower() in messages for alt in w.split("|"))]
        if not missing:
            return []
        return [f"{where}: no failing test's message says {' / '.join(missing)!r} (messages: {messages!r})"]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"max_score": self.max_score, "expect": self.expect.value, "score": self.score}
        if self.variant:
            data["variant"] = self.variant
        if self.kind:
            data["kind"] = self.kind.value
        if self.words:
            data["words"] = list(self.words)
        if self.lose is not None:
            data["lose"] = list(self.lose)
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class NotebookExpectation:
    """The verdict one notebook deserves, question by question."""

    assignment: str
    questions: tuple[QuestionExpectation, ...]
    readable: bool = True

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    @property
    def score(self) -> float | None:
        scores = [q.score for q in self.questions]
        return None if any(s is None for s in scores) else sum(s for s in scores if s is not None)

    @property
    def score_below(self) -> float | None:
        """A strict upper bound of the total, where the exact score is not fixed."""
        if self.score is not None:
            return None
        return sum(
            0.0 if q.expect in (Expect.NOT_ATTEMPTED, Expect.ZERO) else q.max_score for q in self.questions
        )

    def violations(self, result: Mapping[str, Any]) -> list[str]:
        """Everything in a ``cnngrader check --json`` result that breaks this expectation."""
        problems = []
        found = {q["id"]: q for q in result.get("questions", [])}
        if result.get("assignment") != self.assignment:
            problems.append(f"assignment {result.get('assignment')!r}, expected {self.assignment!r}")
        if abs(float(result.get("max_score", -1)) - self.max_score) > TOLERANCE:
            problems.append(f"max_score {result.get('max_score')}, expected {self.max_score}")
        if sorted(found) != sorted(q.question for q in self.questions):
            problems.append(f"questions {sorted(found)}, expected every question of {self.assignment}")
        total = sum(float(q["score"]) for q in found.values())
        if abs(float(result.get("score", -1)) - total) > TOLERANCE:
            problems.append(f"score {result.get('score')} is not the sum of its questions ({total})")
        if not self.readable and not result.get("errors"):
            problems.append("an unreadable notebook without an error that says so")
        for q in self.questions:
            if q.question in found:
                problems += q.violations(found[q.question])
        return problems

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"readable": self.readable, "max_score": self.max_score, "score": self.score}
        if self.score_below is not None:
            data["score_below"] = self.score_below
        data["questions"] = {q.question: q.to_dict() for q in self.questions}
        return data


def _of_variant(v: Variant, *, beside_hostile: bool) -> QuestionExpectation:
    expect = Expect.ANY if beside_hostile and v.expect is Expect.FULL else v.expect
    return QuestionExpectation(
        v.question, float(v.points), expect, v.key, v.kind, v.words, v.note, v.lose
    )


def expect_notebook(assignment: str, answers: Mapping[str, Variant]) -> NotebookExpectation:
    """The expectation of a notebook holding ``answers`` (question id -> variant, every question)."""
    questions = contract_assignment(assignment).questions
    missing = [q.id for q in questions if q.id not in answers]
    if missing:
        raise ValueError(f"no answer for {', '.join(missing)}")
    hostile = any(v.kind is Kind.HOSTILE for v in answers.values())
    return NotebookExpectation(
        assignment, tuple(_of_variant(answers[q.id], beside_hostile=hostile) for q in questions)
    )


def expect_unreadable(assignment: str) -> NotebookExpectation:
    """An unreadable file: nothing to grade, zero everywhere, and an error that says why."""
    questions = contract_assignment(assignment).questions
    return NotebookExpectation(
        assignment,
        tuple(QuestionExpectation(q.id, float(q.points), Expect.ZERO) for q in questions),
        readable=False,
    )
