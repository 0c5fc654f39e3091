"""Hidden test of q5: the padding that keeps 100x100 at 100x100 under a 51x51 kernel, stride 1."""

from __future__ import annotations

import pytest
from _quiz6_reference import conv_shape, wrong

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q5")


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q5: the padding that keeps the size under a 51x51 kernel"""
    found = as_int(sub.value("q5"), "q5")
    if found < 0 or conv_shape((1, 1, 100, 100), (1, 1, 51, 51), padding=found)[2:] != (100, 100):
        raise wrong("q5", found, "padding = kernel_size // 2 keeps the height and width")
