"""The corpus the tests grade: one notebook per mistake, broken or hostile cell (everything else
right), right spellings packed one per question into as few notebooks as there are spellings,
and stubs left in alternate questions.

Questions are independent by contract, so a notebook may carry one variant per question; every
mistake still gets a notebook of its own, so that "full marks elsewhere" is checked around it.
"""

from __future__ import annotations

from dataclasses import dataclass

from students.catalog import reference, select
from students.course import ASSIGNMENTS
from students.expected import NotebookExpectation, expect_notebook
from students.variant import Kind, Variant

ISOLATED = (Kind.MISTAKE, Kind.RULE, Kind.BROKEN, Kind.HOSTILE)


@dataclass(frozen=True)
class Case:
    """One corpus notebook: a name (its file stem) and the variant of every question."""

    name: str
    assignment: str
    answers: tuple[Variant, ...]

    @property
    def expectation(self) -> NotebookExpectation:
        return expect_notebook(self.assignment, {v.question: v for v in self.answers})

    @property
    def sources(self) -> dict[str, str | None]:
        return {v.question: v.source for v in self.answers}

    @property
    def focus(self) -> tuple[Variant, ...]:
        """The variants this notebook is about (those that are not the reference answer)."""
        return tuple(v for v in self.answers if v != reference(v.question))


def _questions(assignment: str) -> tuple[str, ...]:
    return tuple(q.id for q in ASSIGNMENTS[assignment].questions)


def _with(assignment: str, *variants: Variant) -> tuple[Variant, ...]:
    chosen = {v.question: v for v in variants}
    return tuple(chosen.get(q) or reference(q) for q in _questions(assignment))


def right_cases(assignment: str) -> tuple[Case, ...]:
    """Notebook k holds the k-th right spelling of every question (cycling the shorter lists)."""
    spellings = {q: select(question=q, kinds=[Kind.RIGHT]) for q in _questions(assignment)}
    rounds = max(len(s) for s in spellings.values())
    return tuple(
        Case(f"{assignment}-right-{k:02d}", assignment, tuple(s[k % len(s)] for s in spellings.values()))
        for k in range(rounds)
    )


def isolated_cases(assignment: str) -> tuple[Case, ...]:
    """One notebook per mistake, broken or hostile variant, the reference answer everywhere else."""
    return tuple(
        Case(f"{assignment}-{v.kind.value}-{v.question}-{v.name}", assignment, _with(assignment, v))
        for v in select(assignment=assignment, kinds=ISOLATED)
    )


def half_done_cases(assignment: str) -> tuple[Case, ...]:
    """The untouched release, stubs in every other question (both ways), and each partial stub."""
    stubs = {v.question: v for v in select(assignment=assignment, kinds=[Kind.HALF_DONE]) if v.source is None}
    questions = _questions(assignment)
    cases = [
        Case(f"{assignment}-half_done-all_stubs", assignment, _with(assignment, *stubs.values())),
        Case(
            f"{assignment}-half_done-even_stubs",
            assignment,
            _with(assignment, *(stubs[q] for q in questions[::2])),
        ),
        Case(
            f"{assignment}-half_done-odd_stubs",
            assignment,
            _with(assignment, *(stubs[q] for q in questions[1::2])),
        ),
    ]
    partial = [v for v in select(assignment=assignment, kinds=[Kind.HALF_DONE]) if v.source is not None]
    cases += [
        Case(f"{assignment}-half_done-{v.question}-{v.name}", assignment, _with(assignment, v))
        for v in partial
    ]
    return tuple(cases)


def cases(assignment: str | None = None) -> tuple[Case, ...]:
    """The whole corpus (or one assignment's part), in a stable order with unique names."""
    ids = sorted(ASSIGNMENTS) if assignment is None else [assignment]
    out = tuple(c for a in ids for c in (*right_cases(a), *isolated_cases(a), *half_done_cases(a)))
    if len({c.name for c in out}) != len(out):
        raise RuntimeError("two corpus notebooks share a name")
    return out
