"""Hidden test of q6: height and width after a kernel with a stride, without padding."""

from __future__ import annotations

import pytest
from _quiz6_reference import params, q6_answer, wrong

from cnngrader.answers import as_shape
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q6")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q6: height and width after a kernel with a stride"""
    found = as_shape(sub.value("q6"), "q6")
    if len(found) != 2:
        raise AssertionError(f"q6 should be (height, width), two numbers; found {found}")
    if found != q6_answer(params(student, "q6")):
        raise wrong("q6", found, "(size + 2 x padding - kernel) // stride + 1, rounded down")
