"""A graded submission as the suite tests look at it: scores, messages, and what must never leak."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cnngrader.results import Outcome, QuestionResult

COURSE_ROOT = Path(__file__).resolve().parents[2]  # autograder/ lives at the repository root


def namespace(*sources: str) -> dict[str, object]:
    """What a kernel holds after running these cells in order (``In``: its input history, as IPython's)."""
    ns: dict[str, object] = {"__name__": "__main__", "In": ["", *sources]}
    for source in sources:
        exec(compile(source, "<student cell>", "exec"), ns)
    return ns


# Things a student-facing message must never contain: test source, tracebacks, hidden paths.
LEAKS = (
    "def test_", "assert ", "Traceback", "traceback", "autograder/", "_lab6_reference", "_quiz6_reference",
    "pytest", "While executing", "tlparse",
)  # fmt: skip


@dataclass(frozen=True)
class Graded:
    questions: tuple[QuestionResult, ...]

    @classmethod
    def of(cls, questions: Iterable[QuestionResult]) -> Graded:
        graded = cls(tuple(questions))
        graded.check_no_leaks()
        return graded

    def question(self, qid: str) -> QuestionResult:
        return next(q for q in self.questions if q.id == qid)

    def lost(self, qid: str) -> float:
        q = self.question(qid)
        return round(q.max_score - q.score, 6)

    def messages(self, qid: str) -> str:
        return "\n".join(f"{t.name}: {t.message}" for t in self.question(qid).tests if t.message)

    def failures(self) -> str:
        """Every test that did not pass, for assertion messages of these tests."""
        return "\n".join(
            f"{q.id} / {t.name} [{t.outcome.value}]: {t.message}"
            for q in self.questions
            for t in q.tests
            if t.outcome is not Outcome.PASSED
        )

    def check_no_leaks(self) -> None:
        for q in self.questions:
            for t in q.tests:
                leaked = [word for word in LEAKS if word in t.message]
                assert not leaked, f"{q.id} / {t.name} leaks {leaked}: {t.message}"
                assert t.name and not t.name.startswith("test"), (
                    f"{q.id}: test without a display name: {t.name}"
                )

    def assert_full_marks(self) -> None:
        assert all(q.score == q.max_score for q in self.questions), self.failures()

    def assert_only(self, qid: str, lost: float, *words: str) -> None:
        """Only question ``qid`` lost points, exactly ``lost`` of them, and its messages say ``words``."""
        others = [q for q in self.questions if q.id != qid and q.score != q.max_score]
        assert not others, f"other questions lost points:\n{self.failures()}"
        assert self.lost(qid) == lost, f"{qid} lost {self.lost(qid)}, expected {lost}:\n{self.failures()}"
        text = self.messages(qid)
        missing = [w for w in words if w not in text]
        assert not missing, f"{qid} messages lack {missing}:\n{text}"


Grade = Callable[..., Graded]  # the grade_lab6 / grade_quiz6 fixtures: grade(*cells, seed=0, base=True)
