"""The reproduction check: the rebuilt model must behave like the student's, input by input."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnngrader.inspect import follow_model
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
            try:
                return student(*inputs)
            except RuntimeError as exc:  # as the child's failure reaches the trusted side
                raise StudentError(f"forward raised RuntimeError: {exc}") from None

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


# --- steps are judged only once they are confirmed to be the student's --------------------------


class ZerosUnlessTraced(nn.Module):
    """The lecture's layers while traced; zeros when it really runs."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.fc = nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        if isinstance(x, torch.fx.Proxy):
            return self.fc(self.conv(x).relu().flatten(1))
        return torch.zeros(x.shape[0], 3)


class WrongInFeatures(ZerosUnlessTraced):
    """Fails at fc on any 4x4 input, traced or not (a common honest mistake)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 3)

    def forward(self, x):
        return self.fc(self.conv(x).relu().flatten(1))


class FailsOnlyWhenTraced(WrongInFeatures):
    def forward(self, x):
        if isinstance(x, torch.fx.Proxy):
            return super().forward(x)
        return torch.zeros(x.shape[0], 3)


def test_following_a_model_that_computes_otherwise_when_traced_is_refused(carry):
    model, calls = checked(carry, ZerosUnlessTraced())
    with pytest.raises(StudentError, match=r"does not reproduce ZerosUnlessTraced\.forward"):
        follow_model(model, (1, 4, 4))
    assert calls, "the student's forward was asked"


def test_a_model_failing_at_a_step_is_still_followed_when_the_student_fails_alike(carry):
    model, calls = checked(carry, WrongInFeatures())
    followed = follow_model(model, (1, 4, 4))
    assert followed.error is not None and "fc" in followed.error
    assert [s.op for s in followed.steps][:2] == ["conv", "relu"]
    follow_model(model, (1, 4, 4))
    assert len(calls) == 1, "a confirmed failure is remembered per input shape"


def test_a_model_that_fails_only_when_rebuilt_is_refused(carry):
    model, _ = checked(carry, FailsOnlyWhenTraced())
    message = r"fails on an input of shape .* but FailsOnlyWhenTraced\.forward does"
    with pytest.raises(StudentError, match=message):
        follow_model(model, (1, 4, 4))


def test_reference_models_without_a_check_are_followed_as_they_are():
    assert follow_model(ZerosUnlessTraced(), (1, 4, 4)).error is None
