"""Hidden test of q2: which statements about nn.Conv2d and convnets are true."""

from __future__ import annotations

import pytest
from _quiz6_reference import check_letters
from torch import nn

from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q2")


def true_statements() -> frozenset[str]:
    """(C) is the one torch can show directly: the weights of nn.Conv2d form a 4-D array.

    (A) and (B) are false because nn.Conv2d works on 3-D or 4-D tensors; (D) and (E) are false
    because "always" fails (a Linear that narrows the features, 3x3 convs versus one big one).
    """
    weight_is_4d = nn.Conv2d(3, 8, 3, device="meta").weight.dim() == 4
    return frozenset({"C"} if weight_is_4d else set())


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q2: the true statements"""
    check_letters(sub.value("q2"), "q2", "ABCDE", true_statements())
