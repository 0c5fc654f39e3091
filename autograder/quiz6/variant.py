"""quiz6's per-student variants: each student's prompts, and the answers torch computes for them.

The engine calls ``variant(student)`` to show a TA one student's questions (``cnngrader variant``)
and to put each student's prompts into their feedback. The numbers come from ``_quiz6_draw`` (the
code the notebook shows students); the answers from ``_quiz6_reference`` (hidden, torch).
"""

from __future__ import annotations

from typing import Any

import torch
from _quiz6_draw import DRAWS, draw, prompt
from _quiz6_reference import ANSWERS, option_labels


def source(value: Any) -> str:
    """An answer as the Python literal a student would type (sets sorted, grids of whole numbers)."""
    if isinstance(value, torch.Tensor):
        value = value.tolist()
    if isinstance(value, frozenset):
        return "{" + ", ".join(source(v) for v in sorted(value)) + "}" if value else "set()"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(source(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def variant(student: str | None) -> list[tuple[str, str, str]]:
    """(question, prompt, answer) for every question, for this student (None: canonical)."""
    numbers = draw(student)
    return [(q, prompt(q, numbers[q]), source(ANSWERS[q](numbers[q]))) for q in DRAWS]


def options(student: str | None) -> dict[str, dict[str, str]]:
    """For each multiple-choice question, what each letter stands for in this student's variant."""
    numbers = draw(student)
    return {q: option_labels(q, numbers[q]) for q in ("q1", "q2", "q10")}
