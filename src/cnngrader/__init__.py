"""cnngrader: auto-graded CNN exercises, graded outside the student's interpreter."""

import sys

# jsonschema (under nbformat) imports rfc3987_syntax when it is installed, and that module
# compiles a grammar at import: 1-3 s of every cold start, for a URI format no notebook uses.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from cnngrader.course.assignments import Assignment, Question  # noqa: E402  (after the guard above)
from cnngrader.course.course import Course  # noqa: E402
from cnngrader.errors import CnngraderError  # noqa: E402
from cnngrader.results import Outcome, QuestionResult, Result, TestResult  # noqa: E402

__version__ = "0.2.0"

__all__ = [
    "Assignment",
    "CnngraderError",
    "Course",
    "Outcome",
    "Question",
    "QuestionResult",
    "Result",
    "TestResult",
    "__version__",
]
