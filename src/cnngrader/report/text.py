"""A Result as a table a person reads in a terminal."""

from __future__ import annotations

import textwrap

from cnngrader.course.variants import Variant
from cnngrader.report.cell import messages
from cnngrader.report.terminal import terminal_safe
from cnngrader.results import Outcome, QuestionResult, Result

MARK = {
    Outcome.PASSED: "ok",
    Outcome.FAILED: "FAIL",
    Outcome.ERROR: "ERROR",
    Outcome.TIMEOUT: "TIMEOUT",
    Outcome.NOT_ATTEMPTED: "not attempted",
}


def render_result(result: Result, *, verbose: bool = False) -> str:
    """Header, one row per question, and under each question the tests that lost points.

    Where the assignment has per-student variants, a question that lost points shows the prompt
    this student got (every question does with ``verbose``).
    """
    lines = [
        f"{result.assignment}: {result.notebook}",
        f"score {fmt(result.score)} / {fmt(result.max_score)}"
        f"   (isolation: {result.isolation}, seed: {result.seed})",
    ]
    if any(q.prompt for q in result.questions):
        lines.append(f"questions of {whose(result.student)}")
    lines.append("")
    width = max((len(q.id) for q in result.questions), default=8)
    for question in result.questions:
        lines.append(question_row(question, width))
        if question.prompt and (verbose or question.outcome is not Outcome.PASSED):
            lines.append(textwrap.indent(question.prompt, " " * 6))
        lines.extend(test_rows(question, verbose=verbose))
    if result.errors:
        lines += ["", "problems in the notebook:"]
        lines += [f"  - {e}" for e in result.errors]
    return terminal_safe("\n".join(lines))


def question_row(question: QuestionResult, width: int) -> str:
    score = f"{fmt(question.score)} / {fmt(question.max_score)}"
    return f"  {question.id:<{width}}  {score:>11}  {MARK[question.outcome]}"


def test_rows(question: QuestionResult, *, verbose: bool) -> list[str]:
    rows = []
    for test, message in messages(question.tests):
        if test.outcome is Outcome.PASSED and not verbose:
            continue
        head = f"      {MARK[test.outcome]:<8} {test.name} ({fmt(test.score)}/{fmt(test.max_score)})"
        rows.append(head)
        if message:
            rows.append(textwrap.indent(message, " " * 10))
    return rows


def whose(student: str | None) -> str:
    """Whose variant, in words."""
    return f"student {student!r}" if student is not None else "the canonical variant (no student id)"


def render_variant(variant: Variant) -> str:
    """One student's questions, each prompt followed by its answer as a TA would type it."""
    lines = [f"{variant.assignment}: {whose(variant.student)}", ""]
    for q in variant.questions:
        lines.append(f"{q.id}:")
        lines.append(textwrap.indent(q.prompt, "    "))
        lines.append(f"    answer: {q.answer}")
        lines.append("")
    return terminal_safe("\n".join(lines).rstrip("\n"))


def fmt(x: float) -> str:
    """2.0 -> '2', 2.5 -> '2.5'."""
    return f"{x:g}"
