"""Everything the report shows, computed from records alone: a pure function and its result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cnngrader.analysis.choices import AnswerStats, OptionMeaning, answer_stats, letter_itself
from cnngrader.analysis.failures import MessageGroup, TestStats, message_groups, message_kinds, test_stats
from cnngrader.analysis.items import ItemStats, item_stats, score_matrix, totals
from cnngrader.analysis.sources import Item
from cnngrader.analysis.stats import Statistic, cronbach_alpha, mean, median, variance
from cnngrader.analysis.students import StudentIssue, student_issues
from cnngrader.batch.state import Record


@dataclass(frozen=True)
class TotalStats:
    """The distribution of the students' totals."""

    scores: tuple[float, ...]
    max_score: float
    mean: float
    median: float
    sd: float
    alpha: Statistic  # Cronbach's alpha over the questions


@dataclass(frozen=True)
class QuestionDetail:
    """One question: its statistics, what its tests caught, and what students answered."""

    item: ItemStats
    tests: tuple[TestStats, ...]
    messages: tuple[MessageGroup, ...]
    message_kinds: int
    answers: AnswerStats | None


@dataclass(frozen=True)
class Findings:
    """The item analysis of one assignment."""

    assignment: str
    total: TotalStats
    questions: tuple[QuestionDetail, ...]
    issues: tuple[StudentIssue, ...]
    ungraded: tuple[str, ...]  # submitted, but no record yet
    with_answers: int  # records that kept the students' answers (older ones did not)
    graded: tuple[str, str]  # the first and last time a record was written

    @property
    def students(self) -> int:
        return len(self.total.scores)

    @property
    def items(self) -> tuple[ItemStats, ...]:
        return tuple(q.item for q in self.questions)


def analyse(
    assignment: str,
    items: Sequence[Item],
    records: Sequence[Record],
    *,
    ungraded: Sequence[str] = (),
    meaning: OptionMeaning = letter_itself,
) -> Findings:
    """The findings for ``records`` (at least one) of ``assignment`` whose questions are ``items``."""
    if not records:
        raise ValueError("an item analysis needs at least one record")
    matrix = score_matrix(items, records)
    total = totals(matrix)
    stats = item_stats(items, records)
    details = tuple(
        _detail(item, one, records, [t - x for t, x in zip(total, scores, strict=True)], meaning)
        for item, one, scores in zip(items, stats, matrix, strict=True)
    )
    stamps = sorted(r.graded_at for r in records if r.graded_at)
    return Findings(
        assignment=assignment,
        total=_total(total, matrix, sum(i.points for i in items)),
        questions=details,
        issues=student_issues(records),
        ungraded=tuple(sorted(ungraded)),
        with_answers=sum(1 for r in records if r.result.answers is not None),
        graded=(stamps[0], stamps[-1]) if stamps else ("", ""),
    )


def _detail(
    item: Item, stats: ItemStats, records: Sequence[Record], rest: list[float], meaning: OptionMeaning
) -> QuestionDetail:
    return QuestionDetail(
        item=stats,
        tests=test_stats(records, item.id),
        messages=tuple(message_groups(records, item.id)),
        message_kinds=message_kinds(records, item.id),
        answers=answer_stats(item, records, rest, meaning=meaning),
    )


def _total(scores: list[float], matrix: list[list[float]], max_score: float) -> TotalStats:
    return TotalStats(
        scores=tuple(scores),
        max_score=max_score,
        mean=mean(scores),
        median=median(scores),
        sd=variance(scores) ** 0.5,
        alpha=cronbach_alpha(matrix),
    )
