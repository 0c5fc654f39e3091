"""Hidden test of q3: the number of parameters of a convolution layer."""

from __future__ import annotations

import pytest
from _quiz6_reference import params, q3_layer, wrong

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q3")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q3: parameters of a convolution layer"""
    found = as_int(sub.value("q3"), "q3")
    layer = q3_layer(params(student, "q3"))
    if found != sum(p.numel() for p in layer.parameters()):
        hint = "count the biases too, one per filter" if found == layer.weight.numel() else ""
        raise wrong("q3", found, hint)
