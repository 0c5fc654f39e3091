"""Hidden test of q1: the output shape of a 3x3 filter on a 4x4 input without padding."""

from __future__ import annotations

import pytest
from _quiz6_reference import check_letter, conv_shape

from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q1")

OPTIONS = {"A": (4, 4), "B": (3, 3), "C": (2, 2)}


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q1: the output shape of a 3x3 filter on a 4x4 input"""
    shape = conv_shape((1, 1, 4, 4), (1, 1, 3, 3))[2:]
    right = next(letter for letter, option in OPTIONS.items() if option == shape)
    check_letter(sub.value("q1"), "q1", "".join(OPTIONS), right)
