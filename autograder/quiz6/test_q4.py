"""Hidden test of q4: the output shape of nn.Conv2d(1, 1, kernel_size=(5, 5)) on (1, 1, 100, 100)."""

from __future__ import annotations

import pytest
from _quiz6_reference import conv_shape, wrong

from cnngrader.answers import as_shape
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q4")


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q4: the output shape of a 5x5 convolution on (1, 1, 100, 100)"""
    found = as_shape(sub.value("q4"), "q4")
    if len(found) != 4:
        raise AssertionError(
            f"q4 should give all four dimensions (batch, channels, height, width); found {found}"
        )
    if found != conv_shape((1, 1, 100, 100), (1, 1, 5, 5)):
        raise wrong("q4", found, "without padding a 5x5 kernel only fits where it lies entirely on the image")
