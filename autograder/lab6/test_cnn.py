"""Hidden tests of ``CNN``: the lecture's pooled CNN, compared step by step with a torch reference.

Each test looks at one aspect (order, convolutions, padding, pooling and activations, the Linear,
shapes, parameters), so one mistake costs the tests it breaks and no more. Every figure here is
the lecture's and public, so messages may show expected values.
"""

from __future__ import annotations

import pytest
import torch
from _lab6_reference import CNN_INPUT, forward, randint, reference_parameters, reference_steps

from cnngrader.inspect import (
    Step,
    first_divergence,
    follow_model,
    format_shape,
    model_steps,
    total_parameters,
)
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("cnn")

SHAPED = ("conv", "pool", "flatten", "linear")  # the steps that change shapes


def expected() -> tuple[Step, ...]:
    return reference_steps("CNN")


def found_steps(sub: Submission) -> tuple[Step, ...]:
    """The student's steps, even past a layer where the model fails (those have no shape)."""
    return follow_model(sub.model("CNN"), CNN_INPUT).steps


def of_kind(steps: tuple[Step, ...], *kinds: str) -> list[Step]:
    return [s for s in steps if s.kind in kinds]


def fail_if(message: str | None, context: str = "") -> None:
    if message is not None:
        raise AssertionError(f"{context}{message}")


@pytest.mark.points(1)
def test_output_shape(sub: Submission, rng: torch.Generator) -> None:
    """CNN() maps (N, 1, 100, 100) to (N, 1)"""
    model = sub.model("CNN")
    for n in (1, randint(rng, 2, 4)):
        out = forward(model, torch.randn(n, *CNN_INPUT, generator=rng), "CNN()(x)")
        if tuple(out.shape) != (n, 1):
            raise AssertionError(
                f"CNN()(x) with x of shape {(n, *CNN_INPUT)} returned shape {tuple(out.shape)}, "
                f"expected {(n, 1)}"
            )


@pytest.mark.points(1)
def test_layer_order(sub: Submission) -> None:
    """Layers in the lecture's order: (conv, ReLU, pool) twice, flatten, linear"""
    fail_if(
        first_divergence(expected(), found_steps(sub), by="kind"),
        "the layers are not in the lecture's order: ",
    )


@pytest.mark.points(1)
def test_convolutions(sub: Submission) -> None:
    """Convolutions 1->3 and 3->2 with 3x3 kernels and stride 1"""
    keys = ("in", "out", "kernel", "stride", "dilation", "groups", "bias")
    found = of_kind(found_steps(sub), "conv")
    fail_if(first_divergence(of_kind(expected(), "conv"), found, label="conv", keys=keys, shapes=False))


@pytest.mark.points(1)
def test_padding(sub: Submission) -> None:
    """Padding 1, so each convolution keeps the height and width"""
    found = of_kind(found_steps(sub), "conv")
    fail_if(
        first_divergence(of_kind(expected(), "conv"), found, label="conv", keys=("padding",), shapes=False)
    )


@pytest.mark.points(1)
def test_pooling_and_activations(sub: Submission) -> None:
    """2x2 max pooling and ReLU activations"""
    pool = of_kind(expected(), "pool")[0]
    for n, step in enumerate(found_steps(sub), 1):
        if step.kind == "pool" and not step.same_operation(pool):
            fail_if(first_divergence([pool], [step], start=n, shapes=False))
        if step.kind == "activation" and step.op != "relu":
            raise AssertionError(f"step {n}: expected relu, found {step}: the lecture's CNN uses ReLU")


@pytest.mark.points(1)
def test_linear(sub: Submission) -> None:
    """A final Linear 1250->1 with bias"""
    found = of_kind(found_steps(sub), "linear")
    message = first_divergence(of_kind(expected(), "linear"), found, label="linear", shapes=False)
    if message and found and found[0].get("in") != 1250:
        message += " (here 2 x 25 x 25 = 1250)"
    fail_if(message)


@pytest.mark.points(1)
def test_step_shapes(sub: Submission) -> None:
    """Output shapes 3x100x100, 3x50x50, 2x50x50, 2x25x25, 1250, 1 after each layer"""
    steps = model_steps(sub.model("CNN"), CNN_INPUT)
    want = of_kind(expected(), *SHAPED)
    got = [(n, s) for n, s in enumerate(steps, 1) if s.kind in SHAPED]
    for exp, (n, step) in zip(want, got, strict=False):  # counts: checked below
        if step.shape != exp.shape:
            raise AssertionError(
                f"after step {n} ({step}) the output is {format_shape(step.shape)}; "
                f"in the lecture's CNN it is {format_shape(exp.shape)} after {exp}"
            )
    if len(got) != len(want):
        raise AssertionError(
            f"the model has {len(got)} layers that change the shape (conv, pool, flatten, linear); "
            f"the lecture's CNN has {len(want)}"
        )


@pytest.mark.points(1)
def test_parameters(sub: Submission) -> None:
    """1,337 parameters, all trainable"""
    model = sub.model("CNN")
    total, trainable = total_parameters(model), total_parameters(model, trainable_only=True)
    want = reference_parameters("CNN")
    if total != want:
        layers = ", ".join(
            f"{s}: {s.parameters:,}" for s in follow_model(model, CNN_INPUT).steps if s.parameters
        )
        raise AssertionError(
            f"expected {want:,} parameters, found {total:,} ({layers or 'no layer with parameters'})"
        )
    if trainable != total:
        raise AssertionError(
            f"{total - trainable:,} of the {total:,} parameters are frozen (requires_grad=False); "
            "all should train"
        )
