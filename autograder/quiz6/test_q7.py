"""Hidden test of q7: the shape of the weight tensor of nn.Conv2d(3, 8, kernel_size=5)."""

from __future__ import annotations

import pytest
from _quiz6_reference import wrong
from torch import nn

from cnngrader.answers import as_shape
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q7")


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q7: the weight shape of nn.Conv2d(3, 8, kernel_size=5)"""
    found = as_shape(sub.value("q7"), "q7")
    right = tuple(nn.Conv2d(3, 8, kernel_size=5, device="meta").weight.shape)
    if found != right:
        hint = "PyTorch stores kernels as (n_kernels, n_channels, kernel_height, kernel_width)"
        raise wrong("q7", found, hint if len(found) == 4 else "the weights of a Conv2d form a 4-D tensor")
