"""Hidden test of q5: the padding that keeps an image's size under a large kernel, stride 1."""

from __future__ import annotations

import pytest
from _quiz6_reference import params, q5_keeps_size, wrong

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q5")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q5: the padding that keeps the size under a large kernel"""
    found = as_int(sub.value("q5"), "q5")
    if not q5_keeps_size(params(student, "q5"), found):
        raise wrong("q5", found, "padding = kernel_size // 2 keeps the height and width")
