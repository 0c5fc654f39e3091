"""The student-facing contract of the shipped assignments: question ids, points, the names defined.

Mirrors ``shared/spec/assignments.md``; tests check that the notebooks and hidden tests agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnngrader.errors import UsageError


@dataclass(frozen=True)
class Question:
    """One autograded question: its nbgrader grade id, its points and the names it defines."""

    id: str
    points: float
    names: tuple[str, ...]


@dataclass(frozen=True)
class Assignment:
    """One assignment and its notebook."""

    id: str
    notebook: str
    questions: tuple[Question, ...]

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise UsageError(f"assignment {self.id!r} has no question {question_id!r}")


LAB6 = Assignment(
    id="lab6",
    notebook="lab6.ipynb",
    questions=(
        Question("conv_output_size", 4, ("conv_output_size",)),
        Question("conv2d_single", 6, ("conv2d_single",)),
        Question("max_pool2d_single", 4, ("max_pool2d_single",)),
        Question("param_counts", 4, ("conv2d_param_count", "linear_param_count")),
        Question("cnn", 8, ("CNN",)),
        Question("fcnn_vs_convnet", 6, ("FCNN", "ConvNet")),
        Question("linear_in_features", 2, ("linear_in_features",)),
        Question("budget_cnn", 6, ("BudgetCNN",)),
    ),
)

QUIZ6 = Assignment(
    id="quiz6",
    notebook="quiz6.ipynb",
    questions=tuple(Question(f"q{i}", 1, (f"q{i}",)) for i in range(1, 11)),
)

ASSIGNMENTS: dict[str, Assignment] = {a.id: a for a in (LAB6, QUIZ6)}


def assignment(assignment_id: str) -> Assignment:
    """The assignment with this id, or a UsageError that lists the known ones."""
    try:
        return ASSIGNMENTS[assignment_id]
    except KeyError:
        known = ", ".join(sorted(ASSIGNMENTS))
        raise UsageError(f"unknown assignment {assignment_id!r} (known: {known})") from None
