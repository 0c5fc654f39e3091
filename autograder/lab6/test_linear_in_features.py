"""Hidden tests of ``linear_in_features``: the flattened size after the student's own stack of layers.

Each student's image and layers are drawn from their id (``_lab6_draw``); the answer is computed by
running that stack on a zero image. Wrong answers that match a usual slip get a hint
computed the same way from the slipped stack; the answer is never shown.
"""

from __future__ import annotations

import pytest
from _lab6_stack import linear_in_features, params, slips

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("linear_in_features")


@pytest.mark.points(0.5)
def test_is_integer(sub: Submission) -> None:
    """linear_in_features is a whole number"""
    as_int(sub.value("linear_in_features"), "linear_in_features")


@pytest.mark.points(1.5)
def test_value(sub: Submission, student: str | None) -> None:
    """linear_in_features is the flattened size"""
    found = as_int(sub.value("linear_in_features"), "linear_in_features")
    p = params(student)
    if found != linear_in_features(p):
        hint = slips(p).get(
            found,
            "follow the shape layer by layer: (size + 2 x padding - kernel) // stride + 1 "
            "after each conv, half after each 2x2 pool, then channels x height x width",
        )
        raise AssertionError(
            f"linear_in_features = {found:,} is not the flattened size of that stack. Hint: {hint}"
        )
