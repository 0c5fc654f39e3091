"""Equal computations have equal steps, and unequal ones do not: PyTorch decides which pairs are equal.

Each pair below is two small models. Their weights are made the same, both run on random inputs of
the shape they are followed on, and the outputs say whether they compute one function; the
canonical steps must agree with that verdict, in both directions.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.inspect import canonical, follow_model, model_steps


class Net(nn.Module):
    """A conv (shared by every pair, so weights agree) followed by the pair's own steps."""

    def __init__(self, tail: Callable[..., object], channels: int = 2) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, channels, 3)
        # A tail given as a factory of modules (no argument) is built here, so its weights register.
        self.tail = tail() if tail.__code__.co_argcount == 0 else tail  # type: ignore[attr-defined]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.tail(self.conv(x))  # type: ignore[operator, no-any-return]


class PadConv(nn.Module):
    """A second convolution, zero-padded by F.pad first or by its own padding."""

    def __init__(self, pad: tuple[int, ...] | None, padding: int) -> None:
        super().__init__()
        self.pad = pad
        self.conv = nn.Conv2d(2, 1, 3, padding=padding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, self.pad) if self.pad else x)


PAIRS: dict[str, tuple[Callable[..., object], Callable[..., object], tuple[int, ...], bool]] = {
    # name: (a, b, input shape, equal?)
    "max pool then relu = relu then max pool": (
        lambda x: F.relu(F.max_pool2d(x, 2)), lambda x: F.max_pool2d(F.relu(x), 2), (1, 10, 10), True),
    "max pool then leaky relu = leaky relu then max pool": (
        lambda x: F.leaky_relu(F.max_pool2d(x, 2), 0.1), lambda x: F.max_pool2d(F.leaky_relu(x, 0.1), 2),
        (1, 10, 10), True),
    "max pool then sigmoid = sigmoid then max pool": (
        lambda x: torch.sigmoid(torch.max_pool2d(x, 2)), lambda x: torch.max_pool2d(torch.sigmoid(x), 2),
        (1, 10, 10), True),
    "clamp(min=0) is a ReLU": (lambda x: x.clamp(min=0), F.relu, (1, 6, 6), True),
    "relu twice is relu once": (lambda x: F.relu(F.relu(x)), F.relu, (1, 6, 6), True),
    "ceil mode without effect on even sizes": (
        lambda x: F.max_pool2d(x, 2, ceil_mode=True), lambda x: F.max_pool2d(x, 2), (1, 10, 10), True),
    "adaptive max pool to half = max pool 2": (
        lambda x: F.adaptive_max_pool2d(x, 4), lambda x: F.max_pool2d(x, 2), (1, 10, 10), True),
    "adaptive avg pool to a divisor = avg pool": (
        lambda x: F.adaptive_avg_pool2d(x, (2, 2)), lambda x: F.avg_pool2d(x, 4), (1, 10, 10), True),
    "flatten then relu = relu then flatten": (
        lambda x: F.relu(x.flatten(1)), lambda x: F.relu(x).flatten(1), (1, 6, 6), True),
    "F.pad then conv padding 0 = conv padding 1": (
        lambda: PadConv((1, 1, 1, 1), 0), lambda: PadConv(None, 1), (1, 8, 8), True),
    # Not the same computation: the steps must differ too.
    "avg pool and relu do not commute": (
        lambda x: F.relu(F.avg_pool2d(x, 2)), lambda x: F.avg_pool2d(F.relu(x), 2), (1, 10, 10), False),
    "gelu is not monotone: it does not commute with max pooling": (
        lambda x: F.gelu(F.max_pool2d(x - 3, 2)), lambda x: F.max_pool2d(F.gelu(x - 3), 2), (1, 10, 10),
        False),
    "ceil mode on odd sizes adds a window": (
        lambda x: F.max_pool2d(x, 2, ceil_mode=True), lambda x: F.max_pool2d(x, 2), (1, 9, 9), False),
    "adaptive max pool to a size that does not divide": (
        lambda x: F.adaptive_max_pool2d(x, 3), lambda x: F.max_pool2d(x, 2), (1, 9, 9), False),
    "a negative leaky slope is not monotone": (
        lambda x: F.leaky_relu(F.max_pool2d(x, 2), -0.5), lambda x: F.max_pool2d(F.leaky_relu(x, -0.5), 2),
        (1, 10, 10), False),
    "F.pad on one side only is no conv padding": (
        lambda: PadConv((1, 0, 1, 0), 0), lambda: PadConv(None, 1), (1, 8, 8), False),
}  # fmt: skip


def same_function(a: nn.Module, b: nn.Module, shape: tuple[int, ...]) -> bool:
    """PyTorch's verdict: with the same weights, the same outputs on random inputs (or both shapes differ)."""
    b.load_state_dict(a.state_dict())
    x = torch.randn(5, *shape, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        out_a, out_b = a(x), b(x)
    return out_a.shape == out_b.shape and torch.allclose(out_a, out_b)


@pytest.mark.parametrize("name", PAIRS)
def test_canonical_steps_agree_with_pytorch(name: str) -> None:
    first, second, shape, equal = PAIRS[name]
    a, b = Net(first), Net(second)
    assert same_function(a, b, shape) is equal, "the pair is mislabelled"
    same_steps = model_steps(a, shape) == model_steps(b, shape)
    assert same_steps is equal


def test_steps_as_written_keep_the_students_order() -> None:
    first, _, shape, _ = PAIRS["max pool then relu = relu then max pool"]
    written = [s.op for s in follow_model(Net(first), shape, canonical=False).steps]
    assert written == ["conv", "max pool", "relu"]
    assert [s.op for s in model_steps(Net(first), shape)] == ["conv", "relu", "max pool"]


def test_a_moved_activation_takes_the_shape_it_now_sees() -> None:
    steps = model_steps(Net(PAIRS["max pool then relu = relu then max pool"][0]), (1, 10, 10))
    relu, pool = steps[1], steps[2]
    assert (relu.input, relu.shape) == ((2, 8, 8), (2, 8, 8))
    assert (pool.input, pool.shape) == ((2, 8, 8), (2, 4, 4))


def test_canonical_is_idempotent() -> None:
    steps = follow_model(
        Net(lambda x: F.relu(F.max_pool2d(F.relu(x), 2))), (1, 10, 10), canonical=False
    ).steps
    once = canonical(steps)
    assert canonical(once) == once
    assert [s.op for s in once] == ["conv", "relu", "max pool"]


def test_parameters_forward_never_uses_are_named() -> None:
    class WithSpare(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)
            self.spare = nn.Linear(4, 4)
            self.scale = nn.Parameter(torch.ones(1))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv(x) * self.scale

    assert follow_model(WithSpare(), (1, 6, 6)).unused == ("spare.weight", "spare.bias")
