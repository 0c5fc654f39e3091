"""Hidden test of q8: 2x2 max pooling with stride 2 of the lecture's 4x4 example."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from _quiz6_reference import wrong

from cnngrader.answers import as_tensor
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q8")

IMAGE = torch.tensor([[1, 3, 2, 9], [7, 4, 1, 5], [8, 5, 2, 3], [4, 2, 1, 4]], dtype=torch.float64)


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q8: 2x2 max pooling of the 4x4 example"""
    found = as_tensor(sub.value("q8"), "q8")
    right = F.max_pool2d(IMAGE[None, None], 2, stride=2)[0, 0]
    if found.shape != right.shape:
        raise AssertionError(
            f"q8 should be a 2x2 grid (a list of two rows of two numbers); found shape {tuple(found.shape)}"
        )
    if not torch.equal(found, right):
        averaged = F.avg_pool2d(IMAGE[None, None], 2)[0, 0]
        hint = (
            "max pooling keeps the largest value of each window, not the mean"
            if torch.allclose(found, averaged)
            else ""
        )
        raise wrong("q8", found.tolist(), hint)
