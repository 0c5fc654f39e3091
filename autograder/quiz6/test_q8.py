"""Hidden test of q8: max pooling of a small grid, stride equal to the window."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from _quiz6_reference import params, q8_answer, q8_image, wrong

from cnngrader.answers import as_tensor
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q8")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q8: max pooling of a small grid"""
    found = as_tensor(sub.value("q8"), "q8")
    p = params(student, "q8")
    right = q8_answer(p)
    if found.shape != right.shape:
        rows, columns = right.shape
        raise AssertionError(
            f"q8 should be a {rows}x{columns} grid (a list of {rows} rows of {columns} numbers); "
            f"found shape {tuple(found.shape)}"
        )
    if not torch.equal(found, right):
        averaged = F.avg_pool2d(q8_image(p)[None, None], p["window"])[0, 0]
        hint = (
            "max pooling keeps the largest value of each window, not the mean"
            if torch.allclose(found, averaged)
            else ""
        )
        raise wrong("q8", found.tolist(), hint)
