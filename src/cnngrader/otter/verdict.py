"""cnngrader's Result as Otter's grading results, which Otter writes as Gradescope's results.json.

Each question becomes one Otter test file whose test cases are cnngrader's hidden tests: name,
points, passed or not, and the message written for the student (never a test's source). Its
score and points are cnngrader's own, partial credit included, so Otter's totals are the
verdict's. Gradescope shows hidden tests as ``show_hidden`` in ``otter_config.json`` says.
"""

from __future__ import annotations

from typing import Any

from otter.test_files import GradingResults
from otter.test_files.abstract_test import TestCase, TestCaseResult, TestFile

from cnngrader.otter.grade import NOT_GRADED
from cnngrader.report.text import whose
from cnngrader.results import Outcome, QuestionResult, Result, TestResult

PLUGIN_DATA_KEY = "cnngrader"


class VerdictFile(TestFile):
    """One question as cnngrader graded it; nothing is left for Otter to run."""

    def __init__(self, question: QuestionResult, *, why_no_tests: str) -> None:
        results = [_case(t) for t in question.tests] or [_not_graded(question, why_no_tests)]
        super().__init__(question.id, f"cnngrader:{question.id}", [r.test_case for r in results], False)
        self.test_case_results = results
        self._score = question.score
        self._possible = question.max_score

    @property
    def possible(self) -> float:
        return self._possible

    @classmethod
    def from_file(cls, path: str) -> TestFile:
        raise NotImplementedError("a verdict is made by cnngrader, not read from a test file")

    @classmethod
    def from_metadata(cls, s: Any, path: str) -> TestFile:
        raise NotImplementedError("a verdict is made by cnngrader, not read from notebook metadata")

    def run(self, global_environment: dict[str, Any]) -> None:
        """Nothing to run: the verdict was computed outside the student's interpreter."""


def apply_verdict(results: GradingResults, result: Result) -> None:
    """Replace whatever Otter found with the verdict (Otter's kernel ran none of the student's code)."""
    why = result.errors[0] if result.errors else "no hidden test ran"
    results.results = {q.id: VerdictFile(q, why_no_tests=why) for q in result.questions}
    results._catastrophic_error = None  # a failure of that empty run says nothing about the student
    results.set_output(summary(result))
    results.set_plugin_data(PLUGIN_DATA_KEY, result.to_dict())


def verdict_results(result: Result) -> GradingResults:
    """Fresh Otter results holding only the verdict (when Otter itself could not grade)."""
    results = GradingResults([])
    apply_verdict(results, result)
    return results


def summary(result: Result) -> str:
    """The text every student sees on Gradescope: total, isolation, whose questions were graded
    (where the assignment draws them per student), problems with the notebook."""
    points = f"{result.score:g} / {result.max_score:g} points"
    if result.isolation == NOT_GRADED:
        lines = [f"Graded by cnngrader: {points} (no code of the submission ran)."]
    else:
        lines = [f"Graded by cnngrader's confined engine: {points} (isolation: {result.isolation})."]
    if any(q.prompt for q in result.questions):  # a STUDENT_ID typed wrong or left empty shows here
        lines.append(f"Graded with the questions of {whose(result.student)}.")
    if result.errors:
        lines += ["", "Problems with the notebook:", *(f"  - {error}" for error in result.errors)]
    return "\n".join(lines)


def case_message(test: TestResult) -> str:
    words = test.outcome.value.replace("_", " ")
    head = f"{words} ({test.score:g}/{test.max_score:g})"
    return f"{head}: {test.message}" if test.message else head


def _case(test: TestResult) -> TestCaseResult:
    passed = test.outcome is Outcome.PASSED
    return TestCaseResult(_hidden(test.name, test.max_score), case_message(test), passed)


def _not_graded(question: QuestionResult, why: str) -> TestCaseResult:
    return TestCaseResult(_hidden("graded", question.max_score), f"not graded: {why}", passed=False)


def _hidden(name: str, points: float) -> TestCase:
    """A hidden test as Otter records it: no body, since its source never leaves the course."""
    return TestCase(name, "", hidden=True, points=points, success_message=None, failure_message=None)
