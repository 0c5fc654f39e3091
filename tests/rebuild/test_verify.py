"""The reproduction check: the rebuilt model must behave like the student's, input by input."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnngrader.rebuild import ReproductionCheck, rebuild
from cnngrader.testing import StudentError


class Honest(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.drop(self.fc(x)).relu()


class TwoFaced(Honest):
    """Shows the grader one network while tracing, and computes another."""

    def forward(self, x):
        if isinstance(x, torch.fx.Proxy):
            return super().forward(x)
        return torch.zeros(x.shape[0], 3)


class Outer(nn.Module):
    def forward(self, x):
        flat = x.flatten(1)
        return (flat.unsqueeze(2) * flat.unsqueeze(1)).sum()


def checked(carry, student):
    calls = []

    def reference(*inputs):
        calls.append(tuple(i.shape for i in inputs))
        student.eval()
        with torch.no_grad():
            return student(*inputs)

    description = carry(student)
    model = rebuild(description)
    check = ReproductionCheck(rebuild(description), reference, name=type(student).__name__)
    check.attach(model)
    return model, calls


def test_an_honest_model_passes_once_per_input_shape(carry):
    model, calls = checked(carry, Honest())
    model.train()
    for batch in (2, 2, 5):
        model(torch.randn(batch, 4))
    assert calls == [((2, 4),), ((5, 4),)]
    assert model.training and model.drop.training  # the check ran in eval mode and restored it


def test_a_forward_that_changes_when_traced_is_caught(carry):
    model, _ = checked(carry, TwoFaced())
    with pytest.raises(StudentError, match=r"does not reproduce TwoFaced\.forward"):
        model(torch.randn(2, 4))


def test_the_check_never_sees_the_tests_input(carry):
    seen = []
    student = Honest()
    model = rebuild(carry(student))
    ReproductionCheck(rebuild(carry(student)), lambda x: (seen.append(x), student.eval()(x))[1]).attach(model)
    test_input = torch.full((3, 4), 7.0)
    model(test_input)
    assert len(seen) == 1 and not torch.equal(seen[0], test_input)


def test_huge_intermediates_are_refused_before_running(carry):
    student = Outer()
    description = carry(student)
    model = rebuild(description)
    ReproductionCheck(rebuild(description), student, max_elements=10_000).attach(model)
    with pytest.raises(StudentError, match="would hold 1,000,000 numbers"):
        model(torch.randn(1, 1000))


def test_an_input_the_model_cannot_take_is_explained(carry):
    model, calls = checked(carry, Honest())
    with pytest.raises(StudentError, match=r"cannot run on an input of shape \(2, 5\)"):
        model(torch.randn(2, 5))
    assert calls == []
