"""Hidden test of q7: the shape of the weight tensor of a convolution layer."""

from __future__ import annotations

import pytest
from _quiz6_reference import params, q7_answer, wrong

from cnngrader.answers import as_shape
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q7")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q7: the weight shape of a convolution layer"""
    found = as_shape(sub.value("q7"), "q7")
    if found != q7_answer(params(student, "q7")):
        hint = "PyTorch stores kernels as (n_kernels, n_channels, kernel_height, kernel_width)"
        raise wrong("q7", found, hint if len(found) == 4 else "the weights of a Conv2d form a 4-D tensor")
