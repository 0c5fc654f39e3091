"""Per question: mean, difficulty, discrimination and what became of the students' attempts.

Difficulty is the classical p-value, the mean score as a share of the points (1 = everyone got
everything, so higher is easier). Discrimination is :func:`stats.discrimination`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cnngrader.analysis.sources import Item
from cnngrader.analysis.stats import Statistic, discrimination, mean
from cnngrader.batch.state import Record
from cnngrader.results import Outcome, QuestionResult

# Ebel's guidelines for a discrimination index, as most item-analysis texts give them.
VERY_GOOD, GOOD, MARGINAL = 0.4, 0.3, 0.2
# Beyond these, a question tells little about who understood (nearly all or nearly none did).
VERY_EASY, VERY_HARD = 0.9, 0.3
# A verdict on discrimination needs this many students whose score differs from the most common
# one: with one wrong answer in twenty, r is that one student's total, not a property of the question.
MIN_SPREAD = 3


@dataclass(frozen=True)
class ItemStats:
    """One question over every student with a record."""

    question: str
    max_score: float
    mean: float
    difficulty: float | None  # None for a question worth no points
    discrimination: Statistic
    students: int
    not_attempted: int
    errors: int  # an error or timeout in its tests, or no test could run (an unreadable notebook)
    full: int  # students with every point
    spread: int  # students whose score differs from the most common score

    @property
    def judged(self) -> bool:
        """Whether the discrimination is worth a verdict (there is one, resting on enough students)."""
        return self.discrimination.value is not None and self.spread >= MIN_SPREAD

    @property
    def reading(self) -> str:
        """The guideline's verdict in a few words."""
        words = [difficulty_words(self.difficulty)]
        if self.judged and self.discrimination.value is not None:
            words.append(discrimination_words(self.discrimination.value))
        elif self.discrimination.value is not None:
            who = "student" if self.spread == 1 else "students"
            words.append(f"r rests on {self.spread} {who}: too few to judge")
        return "; ".join(w for w in words if w)


def score_matrix(items: Sequence[Item], records: Sequence[Record]) -> list[list[float]]:
    """``matrix[i][s]``: the score of student ``s`` on item ``i`` (0 where the record has none)."""
    return [[_score(r, item.id) for r in records] for item in items]


def totals(matrix: Sequence[Sequence[float]]) -> list[float]:
    """Each student's total over the items (equal to the record's score when nothing is missing)."""
    return [math.fsum(scores) for scores in zip(*matrix, strict=True)] if matrix else []


def item_stats(items: Sequence[Item], records: Sequence[Record]) -> tuple[ItemStats, ...]:
    matrix = score_matrix(items, records)
    total = totals(matrix)
    return tuple(_one(item, scores, total, records) for item, scores in zip(items, matrix, strict=True))


def _one(item: Item, scores: list[float], total: list[float], records: Sequence[Record]) -> ItemStats:
    questions = [_question(r, item.id) for r in records]
    return ItemStats(
        question=item.id,
        max_score=item.points,
        mean=mean(scores),
        difficulty=mean(scores) / item.points if item.points > 0 else None,
        discrimination=discrimination(scores, total),
        students=len(records),
        not_attempted=sum(1 for q in questions if q is not None and _not_attempted(q)),
        errors=sum(1 for q in questions if q is None or _troubled(q)),
        full=sum(1 for s in scores if item.points > 0 and s >= item.points),
        spread=spread(scores),
    )


def spread(scores: Sequence[float]) -> int:
    """How many scores differ from the most common one (the smaller side of a right/wrong item)."""
    if not scores:
        return 0
    return len(scores) - Counter(scores).most_common(1)[0][1]


def difficulty_words(difficulty: float | None) -> str:
    if difficulty is not None and difficulty >= VERY_EASY:
        return "very easy"
    if difficulty is not None and difficulty < VERY_HARD:
        return "very hard"
    return ""


def discrimination_words(r: float) -> str:
    if r < 0:
        return "misleads: stronger students did worse here"
    if r < MARGINAL:
        return "separates poorly: revise"
    if r < GOOD:
        return "separates marginally"
    return "separates well" if r < VERY_GOOD else "separates very well"


def _question(record: Record, question: str) -> QuestionResult | None:
    """The record's result for ``question``; None if no test could run for it."""
    try:
        q = record.result.question(question)
    except KeyError:
        return None
    return q if q.tests else None


def _score(record: Record, question: str) -> float:
    try:
        return record.result.question(question).score
    except KeyError:
        return 0.0


def _not_attempted(q: QuestionResult) -> bool:
    return all(t.outcome is Outcome.NOT_ATTEMPTED for t in q.tests)


def _troubled(q: QuestionResult) -> bool:
    return any(t.outcome in (Outcome.ERROR, Outcome.TIMEOUT) for t in q.tests)
