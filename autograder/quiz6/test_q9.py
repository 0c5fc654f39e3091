"""Hidden test of q9: parameters of the final Linear of a CNN without pooling."""

from __future__ import annotations

import pytest
from _quiz6_reference import params, q9_final_linear, wrong

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("q9")


@pytest.mark.points(1)
def test_answer(sub: Submission, student: str | None) -> None:
    """q9: parameters of the final Linear of the CNN without pooling"""
    found = as_int(sub.value("q9"), "q9")
    linear = q9_final_linear(params(student, "q9"))
    if found != sum(p.numel() for p in linear.parameters()):
        hint = (
            "count its bias too"
            if found == linear.weight.numel()
            else "its in_features are channels x height x width after flattening; each convolution "
            "changes the size by 2 x padding - kernel + 1"
        )
        raise wrong("q9", found, hint)
