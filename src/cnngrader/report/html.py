"""A Result as the student's feedback page: one self-contained HTML file, every string escaped.

Shows each question's score and each test's outcome and message (the layer tables that come
in messages are kept as preformatted text). It is built from the Result alone, which never
holds hidden test source or tracebacks into grader code.
"""

from __future__ import annotations

from html import escape

from cnngrader.report.cell import messages
from cnngrader.report.text import fmt
from cnngrader.results import Outcome, QuestionResult, Result, TestResult

LABEL = {
    Outcome.PASSED: "passed",
    Outcome.FAILED: "failed",
    Outcome.ERROR: "error",
    Outcome.TIMEOUT: "timed out",
    Outcome.NOT_ATTEMPTED: "not attempted",
}

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1b1b1b; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
.total { font-size: 1.2rem; margin: .2rem 0 1.5rem; }
section { border: 1px solid #ccc; border-radius: 6px; padding: .6rem 1rem; margin: 1rem 0; }
section h2 { font-size: 1.1rem; margin: .2rem 0 .6rem; display: flex; justify-content: space-between; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; vertical-align: top; padding: .3rem .5rem; border-top: 1px solid #eee; }
td.points { white-space: nowrap; text-align: right; }
.prompt { margin: 0 0 .6rem; background: #f0f4fa; }
pre { white-space: pre-wrap; margin: .3rem 0 0; font-size: .9rem; background: #f6f6f6; padding: .4rem; }
.outcome { font-weight: 600; white-space: nowrap; }
.passed { color: #1a7f37; } .failed, .error, .timeout { color: #b42318; } .not_attempted { color: #7a5b00; }
.problems { background: #fff6e5; border-color: #e0b050; }
.meta { color: #666; font-size: .85rem; }
"""


def render_feedback(result: Result, *, student: str | None = None) -> str:
    """The whole page for one student's result."""
    who = f" for {student}" if student else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(result.assignment)} feedback{escape(who)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(result.assignment)}: feedback{escape(who)}</h1>",
        f'<p class="total">Score: <strong>{fmt(result.score)} / {fmt(result.max_score)}</strong></p>',
        problems_section(result.errors),
        *(question_section(q) for q in result.questions),
        f'<p class="meta">Graded outside your notebook\'s interpreter '
        f"(isolation: {escape(result.isolation)}).</p>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def problems_section(errors: tuple[str, ...]) -> str:
    if not errors:
        return ""
    items = "".join(f"<li><pre>{escape(e)}</pre></li>" for e in errors)
    return f'<section class="problems"><h2>Problems in the notebook</h2><ul>{items}</ul></section>'


def question_section(question: QuestionResult) -> str:
    outcome = question.outcome
    head = (
        f"<h2><span>{escape(question.id)}</span>"
        f'<span><span class="outcome {outcome.value}">{LABEL[outcome]}</span> &nbsp; '
        f"{fmt(question.score)} / {fmt(question.max_score)}</span></h2>"
    )
    # The question as this student got it, where the assignment gives each student their own.
    prompt = f'<pre class="prompt">{escape(question.prompt)}</pre>' if question.prompt else ""
    if not question.tests:
        body = "<p>No test could be run for this question.</p>"
        return f'<section id="{escape(question.id)}">{head}{prompt}{body}</section>'
    rows = "".join(test_row(t, message) for t, message in messages(question.tests))
    table = f"<table><tr><th>check</th><th>outcome</th><th>points</th></tr>{rows}</table>"
    return f'<section id="{escape(question.id)}">{head}{prompt}{table}</section>'


def test_row(test: TestResult, message: str | None = None) -> str:
    """One test; ``message`` replaces the test's own (a repeated message is said once)."""
    said = test.message if message is None else message
    message = f"<pre>{escape(said)}</pre>" if said else ""
    return (
        f"<tr><td>{escape(test.name)}{message}</td>"
        f'<td class="outcome {test.outcome.value}">{LABEL[test.outcome]}</td>'
        f'<td class="points">{fmt(test.score)} / {fmt(test.max_score)}</td></tr>'
    )
