"""Hidden test of q4: the output shape of a convolution applied to a batch."""

from __future__ import annotations

import pytest
from _quiz6_reference import params, q4_answer, wrong

from cnngrader.answers import as_shape
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q4")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q4: the output shape of a convolution on a batch"""
    found = as_shape(sub.value("q4"), "q4")
    if len(found) != 4:
        raise AssertionError(
            f"q4 should give all four dimensions (batch, channels, height, width); found {found}"
        )
    p = params(student, "q4")
    if found != q4_answer(p):
        k = p["kernel_size"]
        hint = f"without padding a {k}x{k} kernel only fits where it lies entirely on the image"
        raise wrong("q4", found, hint)
