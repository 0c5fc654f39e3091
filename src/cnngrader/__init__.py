"""cnngrader: auto-graded CNN exercises, graded outside the student's interpreter."""

from cnngrader.contract import ASSIGNMENTS, Assignment, Question
from cnngrader.errors import CnngraderError
from cnngrader.results import Outcome, QuestionResult, Result, TestResult

__version__ = "0.1.0"

__all__ = [
    "ASSIGNMENTS",
    "Assignment",
    "CnngraderError",
    "Outcome",
    "Question",
    "QuestionResult",
    "Result",
    "TestResult",
    "__version__",
]
