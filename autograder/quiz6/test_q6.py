"""Hidden test of q6: height and width after a 25x25 kernel with stride 3 on a 100x100 image."""

from __future__ import annotations

import pytest
from _quiz6_reference import conv_shape, wrong

from cnngrader.answers import as_shape
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q6")


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q6: height and width after a 25x25 kernel with stride 3"""
    found = as_shape(sub.value("q6"), "q6")
    if len(found) != 2:
        raise AssertionError(f"q6 should be (height, width), two numbers; found {found}")
    if found != conv_shape((1, 1, 100, 100), (1, 1, 25, 25), stride=3)[2:]:
        raise wrong("q6", found, "(size + 2 x padding - kernel) // stride + 1, rounded down")
