"""Hidden test of q2: which statements about nn.Conv2d and convnets are true (each decided by torch)."""

from __future__ import annotations

import pytest
from _quiz6_reference import check_letters, options_of, params, q2_answer

from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q2")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q2: the true statements"""
    p = params(student, "q2")
    check_letters(sub.value("q2"), "q2", options_of(p), q2_answer(p))
