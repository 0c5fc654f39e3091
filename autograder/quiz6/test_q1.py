"""Hidden test of q1: the output shape of a small filter on a small input without padding."""

from __future__ import annotations

import pytest
from _quiz6_reference import check_letter, options_of, params, q1_answer

from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q1")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q1: the output shape of a filter on a small input"""
    p = params(student, "q1")
    check_letter(sub.value("q1"), "q1", options_of(p), q1_answer(p))
