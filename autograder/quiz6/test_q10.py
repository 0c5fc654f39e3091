"""Hidden test of q10: the order of dimensions of a batch of images in PyTorch."""

from __future__ import annotations

import pytest
from _quiz6_reference import check_letter, options_of, params, q10_answer

from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q10")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q10: the order of dimensions of a batch of images"""
    p = params(student, "q10")
    check_letter(sub.value("q10"), "q10", options_of(p), q10_answer(p))
