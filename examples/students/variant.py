"""One student answer: the whole solution cell a student leaves for one question, and its label."""

from __future__ import annotations

import enum
import textwrap
from dataclasses import dataclass

from cnngrader.course import Question
from students.course import ASSIGNMENTS


class Kind(str, enum.Enum):
    """What sort of answer a variant is."""

    RIGHT = "right"
    MISTAKE = "mistake"
    RULE = "rule"  # computes the right thing, but the way the notebook rules out (by hand questions)
    HALF_DONE = "half_done"
    BROKEN = "broken"
    HOSTILE = "hostile"


class Expect(str, enum.Enum):
    """What a grader must give the variant's question (never more than honest)."""

    FULL = "full"  # score == max_score
    BELOW_FULL = "below_full"  # score < max_score
    NOT_ATTEMPTED = "not_attempted"  # score 0, every test not_attempted
    SOME_NOT_ATTEMPTED = "some_not_attempted"  # score < max_score, at least one test not_attempted
    ZERO = "zero"  # score 0 (an unreadable notebook, or a rule of the notebook broken)
    ANY = "any"  # at most full: a hostile cell elsewhere may take the notebook down


@dataclass(frozen=True)
class Variant:
    """A solution cell for one question, labelled with what it deserves.

    ``source`` is the cell's whole text; ``None`` means the released stub, left untouched.
    ``words``: for a mistake, what a failing test's message on this question must say; each
    entry matches if any of its ``|``-separated alternatives occurs (case-insensitive).
    ``lose``: for a mistake, the points a careful human grader would take, at least and at most
    (one slip in a model question costs at most 2 of its points).
    """

    question: str
    name: str
    kind: Kind
    source: str | None
    expect: Expect
    words: tuple[str, ...] = ()
    note: str = ""
    lose: tuple[float, float] | None = None

    @property
    def key(self) -> str:
        return f"{self.question}/{self.name}"

    @property
    def assignment(self) -> str:
        return assignment_of(self.question)

    @property
    def points(self) -> float:
        return question_of(self.question).points


def assignment_of(question_id: str) -> str:
    """The id of the assignment that asks ``question_id``."""
    for a in ASSIGNMENTS.values():
        if any(q.id == question_id for q in a.questions):
            return a.id
    raise KeyError(f"no assignment asks {question_id!r}")


def question_of(question_id: str) -> Question:
    return ASSIGNMENTS[assignment_of(question_id)].question(question_id)


def cell(text: str) -> str:
    """A cell's source from an indented triple-quoted string: dedented, no surrounding blank lines."""
    return textwrap.dedent(text).strip("\n")


def right(question: str, name: str, source: str, note: str = "") -> Variant:
    return Variant(question, name, Kind.RIGHT, cell(source), Expect.FULL, (), note)


def mistake(
    question: str,
    name: str,
    source: str,
    words: tuple[str, ...] = (),
    note: str = "",
    lose: tuple[float, float] | None = None,
) -> Variant:
    return Variant(question, name, Kind.MISTAKE, cell(source), Expect.BELOW_FULL, words, note, lose)


def breaks_rule(question: str, name: str, source: str, words: tuple[str, ...], note: str = "") -> Variant:
    """The right result computed the way the notebook rules out: none of the question's points."""
    return Variant(question, name, Kind.RULE, cell(source), Expect.ZERO, words, note)


def half_done(question: str, name: str, source: str | None, note: str = "") -> Variant:
    """A stub left in place: ``source=None`` is the released stub, else a cell with a stub inside."""
    expect = Expect.NOT_ATTEMPTED if source is None else Expect.SOME_NOT_ATTEMPTED
    return Variant(question, name, Kind.HALF_DONE, None if source is None else cell(source), expect, (), note)


def broken(question: str, name: str, source: str, note: str = "") -> Variant:
    return Variant(question, name, Kind.BROKEN, cell(source), Expect.BELOW_FULL, (), note)


def hostile(question: str, name: str, source: str, note: str = "") -> Variant:
    return Variant(question, name, Kind.HOSTILE, cell(source), Expect.BELOW_FULL, (), note)
