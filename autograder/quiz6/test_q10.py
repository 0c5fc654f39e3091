"""Hidden test of q10: the order of dimensions of a batch of images in PyTorch."""

from __future__ import annotations

import pytest
import torch
from _quiz6_reference import check_letter
from torch import nn

from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q10")

OPTIONS = {
    "A": ("batch", "height", "width", "channels"),
    "B": ("batch", "channels", "height", "width"),
    "C": ("channels", "batch", "height", "width"),
    "D": ("height", "width", "channels", "batch"),
}


def accepted_by_conv2d(order: tuple[str, ...]) -> bool:
    """Whether nn.Conv2d(3, ...) takes a batch laid out in this order (distinct sizes tell them apart)."""
    sizes = {"batch": 2, "channels": 3, "height": 5, "width": 7}
    try:
        nn.Conv2d(3, 4, 3, device="meta")(torch.empty(*(sizes[d] for d in order), device="meta"))
    except RuntimeError:
        return False
    return True


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q10: the order of dimensions of a batch of images"""
    right = next(letter for letter, order in OPTIONS.items() if accepted_by_conv2d(order))
    check_letter(sub.value("q10"), "q10", "".join(OPTIONS), right)
