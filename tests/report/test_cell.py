"""A question's result as its grade cell shows it: what formgrader and nbgrader's feedback display."""

from __future__ import annotations

import nbformat
from nbgrader import utils as nbgrader_utils

from cnngrader.report.cell import SAME, grade_cell_outputs, question_text
from cnngrader.results import Outcome, QuestionResult, TestResult

RULE = 'conv2d_single uses torch\'s own convolution. The notebook says: "Do not call F.conv2d ..."'
RESULT = QuestionResult(
    "conv2d_single",
    0.0,
    2.0,
    (
        TestResult("The lecture's example", 0.0, 1.0, Outcome.FAILED, RULE),
        TestResult("Strides of 2 and 3", 0.0, 1.0, Outcome.FAILED, RULE),
    ),
)


def test_the_text_names_every_test_and_says_a_repeated_message_once() -> None:
    assert question_text(RESULT).splitlines() == [
        "conv2d_single: 0 / 2 points",
        f"  [FAILED] The lecture's example (0/1): {RULE}",
        f"  [FAILED] Strides of 2 and 3 (0/1): {SAME}",
    ]


def test_nbgrader_reads_the_cell_as_the_questions_score() -> None:
    partial = QuestionResult("q", 1.5, 2.0, (TestResult("a", 1.5, 1.5, Outcome.PASSED, ""),))
    for result in (RESULT, partial):
        cell = nbformat.v4.new_code_cell("# graded", metadata={"nbgrader": {"grade": True, "points": 2}})
        cell.outputs = [nbformat.from_dict(o) for o in grade_cell_outputs(result, 3)]
        nbformat.validate(nbformat.v4.new_notebook(cells=[cell]))
        assert nbgrader_utils.determine_grade(cell) == (result.score, 2.0)
        assert all(o.get("name") != "stderr" for o in cell.outputs)
