"""A question's result as its grade cell shows it, in nbgrader's tools and in the student's kernel.

``nbgrader autograde`` leaves in each grade cell what the hidden call printed and returned; formgrader
and ``nbgrader generate_feedback`` show those outputs. The same text goes into the grade cells of
the notebooks ``cnngrader grade`` writes to ``autograded/``, so a TA in formgrader and a student
reading nbgrader's feedback see why points were lost, as in cnngrader's own feedback page. Only
stdout and a numeric ``execute_result``: nbgrader scores a cell with anything on stderr 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cnngrader.results import Outcome, QuestionResult, TestResult

MARKS = {
    Outcome.PASSED: "passed",
    Outcome.FAILED: "FAILED",
    Outcome.ERROR: "ERROR",
    Outcome.TIMEOUT: "TIMEOUT",
    Outcome.NOT_ATTEMPTED: "not attempted",
}
SAME = "the same as above"


def question_text(result: QuestionResult) -> str:
    """A few lines: the question's score, then each test's outcome, points and message."""
    lines = [f"{result.id}: {_num(result.score)} / {_num(result.max_score)} points"]
    for test, message in messages(result.tests):
        line = f"  [{MARKS[test.outcome]}] {test.name} ({_num(test.score)}/{_num(test.max_score)})"
        lines.append(f"{line}: {message}" if message else line)
    return "\n".join(lines)


def messages(tests: tuple[TestResult, ...]) -> Iterator[tuple[TestResult, str]]:
    """Each test with its message, a message repeated from the test before it said once."""
    previous = ""
    for test in tests:
        repeated = bool(test.message) and test.message == previous
        yield test, SAME if repeated else test.message
        previous = test.message


def grade_cell_outputs(result: QuestionResult, execution_count: int | None) -> list[dict[str, Any]]:
    """nbformat outputs for the question's grade cell: the text on stdout, then the score."""
    return [
        {"output_type": "stream", "name": "stdout", "text": question_text(result) + "\n"},
        {
            "output_type": "execute_result",
            "execution_count": execution_count,
            "data": {"text/plain": repr(float(result.score))},
            "metadata": {},
        },
    ]


def _num(value: float) -> str:
    return f"{value:g}"
