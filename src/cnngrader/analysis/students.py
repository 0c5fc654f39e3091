"""Students whose notebook did not simply run: errors, timeouts, files that could not be graded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cnngrader.batch.state import Record, Status
from cnngrader.results import Outcome

MAX_SHOWN = 240


@dataclass(frozen=True)
class StudentIssue:
    """One student's troubles, in the words of the record."""

    student: str
    score: float
    timeouts: tuple[str, ...]  # questions with a test that ran out of time
    errors: tuple[str, ...]  # questions with a test that ended in an error
    first: str  # the first notebook-level problem, or the status of a grading that failed
    count: int  # notebook-level problems in all
    timed_out: bool  # a test or a cell ran out of time


def student_issues(records: Sequence[Record]) -> tuple[StudentIssue, ...]:
    """Every student with an error or a timeout somewhere, by name."""
    found = (_issue(r) for r in sorted(records, key=lambda r: r.student))
    return tuple(i for i in found if i.timeouts or i.errors or i.count)


def _issue(record: Record) -> StudentIssue:
    result = record.result
    problems = list(result.errors)
    if record.status is not Status.GRADED:
        problems.insert(0, f"grading {record.status.value} after {record.attempts} attempt(s)")
    first = problems[0] if problems else ""
    return StudentIssue(
        student=record.student,
        score=result.score,
        timeouts=_with(record, Outcome.TIMEOUT),
        errors=_with(record, Outcome.ERROR),
        first=first if len(first) <= MAX_SHOWN else first[: MAX_SHOWN - 1] + "…",
        count=len(problems),
        timed_out=bool(_with(record, Outcome.TIMEOUT)) or any("out of time" in p for p in problems),
    )


def _with(record: Record, outcome: Outcome) -> tuple[str, ...]:
    return tuple(q.id for q in record.result.questions if any(t.outcome is outcome for t in q.tests))
