"""A Result as a table a person reads in a terminal."""

from __future__ import annotations

import textwrap

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
    """Header, one row per question, and under each question the tests that lost points."""
    lines = [
        f"{result.assignment}: {result.notebook}",
        f"score {fmt(result.score)} / {fmt(result.max_score)}"
        f"   (isolation: {result.isolation}, seed: {result.seed})",
        "",
    ]
    width = max((len(q.id) for q in result.questions), default=8)
    for question in result.questions:
        lines.append(question_row(question, width))
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


def fmt(x: float) -> str:
    """2.0 -> '2', 2.5 -> '2.5'."""
    return f"{x:g}"
