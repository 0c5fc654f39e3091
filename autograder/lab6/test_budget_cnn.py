"""Hidden tests of ``BudgetCNN(num_classes=10)``: a small classifier of the student's own design.

The design is free; the rules are the contract's: output (N, num_classes) for any N from 1,
at most 50,000 trainable parameters with 10 classes, at least two convolutions, a pooling
operation and a nonlinearity, and a finite gradient for every trainable parameter. The budget
counts what the network uses: a layer that forward never reaches is not part of it (the gradient
test names such a layer).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from _lab6_reference import BUDGET, BUDGET_INPUT, forward, randint

from cnngrader.inspect import Step, follow_model, total_parameters
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("budget_cnn")


def budget_steps(sub: Submission) -> tuple[Step, ...]:
    return follow_model(sub.model("BudgetCNN"), BUDGET_INPUT).steps


def check_scores(model: torch.nn.Module, n: int, classes: int, what: str, rng: torch.Generator) -> None:
    model.eval()  # batch norm on a batch of one is fine in eval mode, as at prediction time
    with torch.no_grad():
        out = forward(model, torch.randn(n, *BUDGET_INPUT, generator=rng), what)
    if tuple(out.shape) != (n, classes):
        hint = " Is num_classes ignored?" if classes != 10 and tuple(out.shape) == (n, 10) else ""
        raise AssertionError(
            f"{what} on a batch of shape {(n, *BUDGET_INPUT)} returned shape {tuple(out.shape)}, "
            f"expected {(n, classes)}.{hint}"
        )


@pytest.mark.points(1)
def test_output_shape(sub: Submission, rng: torch.Generator) -> None:
    """BudgetCNN() maps (N, 3, 64, 64) to (N, 10) scores, N = 1 included"""
    model = sub.model("BudgetCNN")
    for n in (1, randint(rng, 2, 5)):
        check_scores(model, n, 10, "BudgetCNN()", rng)


@pytest.mark.points(1)
def test_budget(sub: Submission) -> None:
    """At most 50,000 trainable parameters"""
    model = sub.model("BudgetCNN")
    steps = follow_model(model, BUDGET_INPUT).steps  # a stub forward is not "within budget"
    trainable = total_parameters(model, trainable_only=True, used_only=True)
    if trainable == 0:
        raise AssertionError("BudgetCNN() has no trainable parameter that forward uses: it cannot learn")
    if trainable > BUDGET:
        biggest = max(steps, key=lambda s: s.parameters, default=None)
        where = (
            f"; the biggest layer is {biggest} with {biggest.parameters:,}"
            if biggest and biggest.parameters
            else ""
        )
        raise AssertionError(
            f"BudgetCNN() has {trainable:,} trainable parameters, over the budget of {BUDGET:,}{where}. "
            "Hint: pool more (or use fewer channels) before flattening: the first Linear holds channels x "
            "height x width weights per output"
        )


@pytest.mark.points(1)
def test_convolutions(sub: Submission) -> None:
    """At least two convolutions"""
    convs = [s for s in budget_steps(sub) if s.kind == "conv"]
    if len(convs) < 2:
        raise AssertionError(
            f"BudgetCNN's forward uses {len(convs)} convolution(s); at least two are required"
        )


@pytest.mark.points(1)
def test_pooling_and_nonlinearity(sub: Submission) -> None:
    """At least one pooling operation and one nonlinearity"""
    steps = budget_steps(sub)
    rules = (
        ("pool", "pooling operation (max, average or adaptive)"),
        ("activation", "nonlinearity such as ReLU"),
    )
    missing = [what for kind, what in rules if not any(s.kind == kind for s in steps)]
    if missing:
        raise AssertionError(f"BudgetCNN's forward has no {' and no '.join(missing)}")


@pytest.mark.points(1)
def test_num_classes(sub: Submission, rng: torch.Generator) -> None:
    """BudgetCNN(num_classes=k) returns k scores per image"""
    classes = randint(rng, 2, 20)
    classes += classes == 10  # 10 is the default: it would not show whether num_classes is used
    model = sub.model("BudgetCNN", num_classes=classes)
    check_scores(model, randint(rng, 1, 4), classes, f"BudgetCNN(num_classes={classes})", rng)


@pytest.mark.points(1)
def test_gradients(sub: Submission, rng: torch.Generator) -> None:
    """A cross-entropy backward pass gives every trainable parameter a finite gradient"""
    model = sub.model("BudgetCNN")
    model.train()
    x = torch.randn(4, *BUDGET_INPUT, generator=rng)
    scores = forward(model, x, "BudgetCNN()")
    if tuple(scores.shape) != (4, 10):
        raise AssertionError(
            f"BudgetCNN() returned shape {tuple(scores.shape)} for 4 images; a cross-entropy needs (4, 10)"
        )
    if not scores.requires_grad:
        raise AssertionError(
            "BudgetCNN's scores carry no gradient: is the output detached, or computed under no_grad?"
        )
    loss = F.cross_entropy(scores, torch.randint(0, 10, (4,), generator=rng))
    if not torch.isfinite(loss):
        raise AssertionError(
            f"the cross-entropy loss of BudgetCNN's scores is {loss.item()}, not a finite number"
        )
    loss.backward()
    named = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    no_grad = [name for name, p in named if p.grad is None]
    if no_grad:
        raise AssertionError(
            f"no gradient reached {', '.join(no_grad[:4])}{' ...' if len(no_grad) > 4 else ''}: "
            "every trainable layer should be used in forward (and the scores not detached)"
        )
    bad = [name for name, p in named if p.grad is not None and not torch.isfinite(p.grad).all()]
    if bad:
        raise AssertionError(f"the gradient of {', '.join(bad[:4])} is not finite (nan or inf)")
