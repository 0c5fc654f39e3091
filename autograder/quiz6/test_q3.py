"""Hidden test of q3: the number of parameters of nn.Conv2d(3, 3, kernel_size=(3, 3))."""

from __future__ import annotations

import pytest
from _quiz6_reference import wrong
from torch import nn

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q3")


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q3: parameters of nn.Conv2d(3, 3, kernel_size=(3, 3))"""
    found = as_int(sub.value("q3"), "q3")
    layer = nn.Conv2d(3, 3, kernel_size=(3, 3), device="meta")
    if found != sum(p.numel() for p in layer.parameters()):
        hint = "count the biases too, one per filter" if found == layer.weight.numel() else ""
        raise wrong("q3", found, hint)
