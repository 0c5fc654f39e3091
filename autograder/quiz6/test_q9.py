"""Hidden test of q9: parameters of the final Linear of the lecture's CNN without pooling."""

from __future__ import annotations

import pytest
import torch
from _quiz6_reference import wrong
from torch import nn

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q9")


def final_linear() -> nn.Linear:
    """Sized by running the convolutional part on a 1x100x100 image (on "meta": shapes only)."""
    with torch.device("meta"):
        body = nn.Sequential(
            nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.Flatten()
        )
        return nn.Linear(body(torch.empty(1, 1, 100, 100)).shape[1], 1)


@pytest.mark.points(1)
def test_answer(sub: Submission) -> None:
    """q9: parameters of the final Linear of the CNN without pooling"""
    found = as_int(sub.value("q9"), "q9")
    linear = final_linear()
    if found != sum(p.numel() for p in linear.parameters()):
        hint = (
            "count its bias too"
            if found == linear.weight.numel()
            else ("its in_features are channels x height x width after flattening; padding 1 keeps 100x100")
        )
        raise wrong("q9", found, hint)
