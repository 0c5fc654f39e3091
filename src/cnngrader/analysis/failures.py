"""What the hidden tests caught: each test's outcomes, and the messages students met most often.

Hidden tests draw fresh inputs per student, so the same mistake reads "returned 95; nn.Conv2d
gives 96" for one student and "returned 30; ... gives 31" for another. Messages are grouped by
their text with every number replaced (``#``) and the arguments of every call left out
(``conv_output_size(…)``: the hidden inputs): one group per kind of mistake.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from cnngrader.batch.state import Record
from cnngrader.results import Outcome, TestResult

TOP_MESSAGES = 5
FAILING = (Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT, Outcome.NOT_ATTEMPTED)

# A number not glued to a name: "96", "1,337", "0.5", "2x48x48" (each part), but not the 2 of
# "conv2d" or the 7 of "hw7". Thousands separators and decimals stay inside one number.
_NUMBER = re.compile(r"(?<![A-Za-z_\d])\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?")
_DIMS = re.compile(r"#(?:x\d+)+")
# A call: a name glued to its parenthesised arguments (one level of nesting inside).
_CALL = re.compile(r"(?<=[\w.])\((?:[^()]|\([^()]*\))*\)")


@dataclass(frozen=True)
class TestStats:
    """One hidden test over the students it ran for."""

    __test__ = False  # not a pytest test class

    name: str
    max_score: float
    ran: int
    outcomes: tuple[tuple[Outcome, int], ...]  # every outcome, in Outcome's order

    def count(self, outcome: Outcome) -> int:
        return dict(self.outcomes).get(outcome, 0)

    @property
    def failure_rate(self) -> float:
        """The share of students it ran for who did not pass it."""
        return (self.ran - self.count(Outcome.PASSED)) / self.ran if self.ran else 0.0


@dataclass(frozen=True)
class MessageGroup:
    """Messages that differ only in their numbers."""

    pattern: str
    example: str  # the most frequent exact message of the group
    students: int
    times: int  # how often it was said, over every test and student
    variants: int  # distinct exact messages
    tests: tuple[str, ...]
    outcome: Outcome  # the most frequent outcome it came with


def pattern(message: str) -> str:
    """``message`` with calls as ``name(…)`` and every other number as ``#`` (``2x48x48``: ``#x#x#``)."""
    text = _NUMBER.sub("#", _CALL.sub("(…)", message))
    return _DIMS.sub(lambda m: "#" + "x#" * m.group(0).count("x"), text)


def test_stats(records: Sequence[Record], question: str) -> tuple[TestStats, ...]:
    """Every test of ``question`` that ran for someone, in the order the suite runs them."""
    by_name: dict[str, list[TestResult]] = defaultdict(list)
    for test in _tests(records, question):
        by_name[test.name].append(test)
    return tuple(_test(name, results) for name, results in by_name.items())


test_stats.__test__ = False  # type: ignore[attr-defined]


def message_groups(
    records: Sequence[Record], question: str, *, top: int = TOP_MESSAGES
) -> list[MessageGroup]:
    """The ``top`` most common kinds of failure message of ``question``, most students first."""
    said: dict[str, list[tuple[str, TestResult]]] = defaultdict(list)
    for record in records:
        for test in _question_tests(record, question):
            if test.outcome in FAILING and test.message:
                said[pattern(test.message)].append((record.student, test))
    groups = [_group(p, seen) for p, seen in said.items()]
    groups.sort(key=lambda g: (-g.students, -g.times, g.pattern))
    return groups[:top]


def message_kinds(records: Sequence[Record], question: str) -> int:
    """How many kinds of failure message ``question`` gave in all."""
    return len({pattern(t.message) for r in records for t in _question_tests(r, question)
                if t.outcome in FAILING and t.message})  # fmt: skip


def _test(name: str, results: list[TestResult]) -> TestStats:
    counts = Counter(t.outcome for t in results)
    return TestStats(
        name=name,
        max_score=max(t.max_score for t in results),
        ran=len(results),
        outcomes=tuple((o, counts[o]) for o in Outcome),
    )


def _group(key: str, seen: list[tuple[str, TestResult]]) -> MessageGroup:
    exact = Counter(t.message for _, t in seen)
    outcomes = Counter(t.outcome for _, t in seen)
    return MessageGroup(
        pattern=key,
        example=exact.most_common(1)[0][0],
        students=len({s for s, _ in seen}),
        times=len(seen),
        variants=len(exact),
        tests=tuple(dict.fromkeys(t.name for _, t in seen)),
        outcome=outcomes.most_common(1)[0][0],
    )


def _tests(records: Sequence[Record], question: str) -> list[TestResult]:
    return [t for r in records for t in _question_tests(r, question)]


def _question_tests(record: Record, question: str) -> tuple[TestResult, ...]:
    try:
        return record.result.question(question).tests
    except KeyError:
        return ()
