"""Hidden tests of ``linear_in_features``: the flattened size after the given stack on a 3x64x64 image.

The answer is computed by running the stack (on "meta": shapes only). Wrong answers that match
a usual slip get a hint computed the same way from the slipped stack; the answer is never shown.
"""

from __future__ import annotations

import functools

import pytest
import torch
from torch import nn

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("linear_in_features")


def flattened(*layers: nn.Module) -> int:
    with torch.device("meta"):
        stack = nn.Sequential(*layers, nn.Flatten())
        return int(stack(torch.empty(1, 3, 64, 64)).shape[1])


@functools.cache
def answer() -> int:
    return flattened(nn.Conv2d(3, 8, 5), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.MaxPool2d(2))


@functools.cache
def slips() -> dict[int, str]:
    """What a student gets by each usual slip, and the lecture fact that fixes it."""
    with torch.device("meta"):
        c1, c1_same = nn.Conv2d(3, 8, 5), nn.Conv2d(3, 8, 5, padding=2)
        c2, c2_valid = nn.Conv2d(8, 16, 3, padding=1), nn.Conv2d(8, 16, 3)
    pool = nn.MaxPool2d(2)
    size = answer() // 16  # height x width of the last feature maps
    return {
        flattened(c1_same, pool, c2, pool): "a 5x5 kernel without padding makes the image 4 pixels smaller",
        flattened(c1, pool, c2_valid, pool): "padding=1 with a 3x3 kernel keeps the height and width",
        flattened(c1, c2, pool): "each MaxPool2d(2) halves the height and the width",
        flattened(c1, pool, c2): "each MaxPool2d(2) halves the height and the width",
        flattened(c1, c2): "each MaxPool2d(2) halves the height and the width",
        size: "multiply by the channels too: channels x height x width",
        size * 8: "the last convolution has 16 output channels",
        size * 3: "the channels after flattening are the last convolution's out_channels",
    }


@pytest.mark.points(0.5)
def test_is_integer(sub: Submission) -> None:
    """linear_in_features is a whole number"""
    as_int(sub.value("linear_in_features"), "linear_in_features")


@pytest.mark.points(1.5)
def test_value(sub: Submission) -> None:
    """linear_in_features is the flattened size"""
    found = as_int(sub.value("linear_in_features"), "linear_in_features")
    if found != answer():
        hint = slips().get(
            found,
            "follow the shape layer by layer: (size + 2 x padding - kernel) // stride + 1 "
            "after each conv, half after each 2x2 pool, then channels x height x width",
        )
        raise AssertionError(
            f"linear_in_features = {found:,} is not the flattened size of that stack. Hint: {hint}"
        )
