"""lab6's per-student variants: question 7's layers are drawn from the student's id.

Only ``linear_in_features`` has a single fixed answer; the other questions are already tested on
random inputs and stay the same for everyone. The numbers come from ``_lab6_draw`` (the code the
notebook shows students), the answer from running the layers (``_lab6_stack``).
"""

from __future__ import annotations

from _lab6_draw import draw, prompt
from _lab6_stack import linear_in_features


def variant(student: str | None) -> list[tuple[str, str, str]]:
    """(question, prompt, answer) of the question that varies, for this student (None: canonical)."""
    p = draw(student)
    return [("linear_in_features", prompt(p), str(linear_in_features(p)))]
