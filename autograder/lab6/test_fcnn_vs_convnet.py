"""Hidden tests of ``FCNN(input_size)`` and ``ConvNet(input_channels)``, the lecture's comparison.

The lecture's configurations (128*128 inputs, 1 channel) are public, so their messages show
expected figures; other sizes and channel counts are hidden inputs, so their messages only say
which setting does not follow the argument. Layers are compared in canonical form and with the
student's own earlier choices carried forward (a layer takes the features or channels that really
come into it), so one mistake is reported by the tests about it, once.
"""

from __future__ import annotations

import pytest
import torch
from _lab6_reference import CONVNET_SIDE, forward, parameter_problem, randint, reference_steps

from cnngrader.inspect import first_divergence, follow_model
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("fcnn_vs_convnet")

LECTURE_SIZE = 128 * 128


def check_output(model: torch.nn.Module, x: torch.Tensor, what: str) -> None:
    model.eval()  # a prediction: batch norm, if any, keeps its statistics
    with torch.no_grad():
        out = forward(model, x, what)
    if tuple(out.shape) != (x.shape[0], 1):
        raise AssertionError(
            f"{what} on an input of shape {tuple(x.shape)} returned shape {tuple(out.shape)}, "
            f"expected {(x.shape[0], 1)}"
        )


def check_parameters(
    model: torch.nn.Module, what: str, name: str, shape: tuple[int, ...], *args: int
) -> None:
    message = parameter_problem(model, follow_model(model, shape), reference_steps(name, *args), what)
    if message is not None:
        raise AssertionError(message)


def runs(model: torch.nn.Module, x: torch.Tensor) -> bool:
    """Whether the lecture's configuration runs: if it does not, its own test says so, once.

    (Error carried forward: a model that fails on every input is charged by the test of the
    lecture's configuration, not again by the test of the argument.) Asked on a batch of two, as
    that test asks it: the rebuilt model was checked against the student's on that input already.
    """
    try:
        with torch.no_grad():
            model.eval()(x)
    except Exception:
        return False
    return True


def fail_if(message: str | None, what: str) -> None:
    if message is not None:
        raise AssertionError(f"{what}: {message}")


@pytest.mark.points(1)
def test_fcnn_lecture(sub: Submission, rng: torch.Generator) -> None:
    """FCNN(128*128): an (N, 1) output; parameters only in its Linear layers, all trainable (4,238,337)"""
    model = sub.model("FCNN", LECTURE_SIZE)
    check_parameters(model, "FCNN(128*128)", "FCNN", (LECTURE_SIZE,), LECTURE_SIZE)
    check_output(model, torch.randn(2, LECTURE_SIZE, generator=rng), "FCNN(128*128)")


@pytest.mark.points(1)
def test_fcnn_layers(sub: Submission) -> None:
    """FCNN layers: Linear+ReLU down to 32, then Linear 32->16 and 16->1 without ReLU"""
    found = follow_model(sub.model("FCNN", LECTURE_SIZE), (LECTURE_SIZE,)).steps
    fail_if(first_divergence(reference_steps("FCNN", LECTURE_SIZE), found, carry=True), "FCNN(128*128)")


@pytest.mark.points(1)
def test_fcnn_input_size(sub: Submission, rng: torch.Generator) -> None:
    """FCNN follows input_size"""
    size = randint(rng, 20, 600)
    what = f"FCNN({size})"
    model = sub.model("FCNN", size)
    found = follow_model(model, (size,)).steps
    first = found[0] if found else None
    if first is None or first.op != "linear" or first.get("in") != size:
        raise AssertionError(
            f"{what}: the first layer should be a Linear with input_size in_features, found {first}"
        )
    if runs(sub.model("FCNN", LECTURE_SIZE), torch.randn(2, LECTURE_SIZE, generator=rng)):
        check_output(model, torch.randn(3, size, generator=rng), what)


@pytest.mark.points(1)
def test_convnet_lecture(sub: Submission, rng: torch.Generator) -> None:
    """ConvNet(1): an (N, 1) output; parameters only in its convs and Linear, all trainable (49,519)"""
    model = sub.model("ConvNet", 1)
    check_parameters(model, "ConvNet(1)", "ConvNet", (1, CONVNET_SIDE, CONVNET_SIDE), 1)
    check_output(model, torch.randn(2, 1, CONVNET_SIDE, CONVNET_SIDE, generator=rng), "ConvNet(1)")


@pytest.mark.points(1)
def test_convnet_layers(sub: Submission) -> None:
    """ConvNet layers: five (conv to 3 channels, 3x3, padding 1, ReLU) blocks, flatten, Linear 49152->1"""
    found = follow_model(sub.model("ConvNet", 1), (1, CONVNET_SIDE, CONVNET_SIDE)).steps
    fail_if(first_divergence(reference_steps("ConvNet", 1), found, carry=True), "ConvNet(1)")


@pytest.mark.points(1)
def test_convnet_input_channels(sub: Submission, rng: torch.Generator) -> None:
    """ConvNet follows input_channels"""
    channels = randint(rng, 2, 5)
    what = f"ConvNet({channels})"
    model = sub.model("ConvNet", channels)
    found = follow_model(model, (channels, CONVNET_SIDE, CONVNET_SIDE)).steps
    first = found[0] if found else None
    if first is None or first.op != "conv" or first.get("in") != channels:
        raise AssertionError(
            f"{what}: the first layer should be a conv with input_channels in_channels, found {first}"
        )
    if runs(sub.model("ConvNet", 1), torch.randn(2, 1, CONVNET_SIDE, CONVNET_SIDE, generator=rng)):
        check_output(model, torch.randn(2, channels, CONVNET_SIDE, CONVNET_SIDE, generator=rng), what)
