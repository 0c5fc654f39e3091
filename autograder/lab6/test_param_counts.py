"""Hidden tests of ``conv2d_param_count`` and ``linear_param_count``: the counts of the real layers."""

from __future__ import annotations

import pytest
import torch
from _lab6_reference import conv_parameters, linear_parameters, randint

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("param_counts")


def conv_text(i: int, o: int, k: int | tuple[int, int], bias: bool | None) -> str:
    return f"conv2d_param_count({i}, {o}, {k}" + (f", bias={bias})" if bias is not None else ")")


def linear_text(i: int, o: int, bias: bool | None) -> str:
    return f"linear_param_count({i}, {o}" + (f", bias={bias})" if bias is not None else ")")


def conv_hint(found: int, i: int, o: int, k: int | tuple[int, int], bias: bool) -> str:
    kh, kw = (k, k) if isinstance(k, int) else k
    if bias and found == i * o * kh * kw:
        return "the biases are missing: every filter (output channel) has one"
    if not bias and found == i * o * kh * kw + o:
        return "with bias=False the layer has no biases"
    if found in (o * kh * kw + (o if bias else 0), i * kh * kw + (o if bias else 0)):
        return "each of the out_channels filters has in_channels x kernel height x kernel width weights"
    if kh != kw and found in (i * o * kh * kh + o * bias, i * o * kw * kw + o * bias):
        return "a (height, width) kernel has height x width weights per pair of channels"
    return "weights: out_channels x in_channels x kernel height x kernel width, plus one bias per filter"


def linear_hint(found: int, i: int, o: int, bias: bool) -> str:
    if bias and found == i * o:
        return "the biases are missing: one per output feature"
    if not bias and found == i * o + o:
        return "with bias=False the layer has no biases"
    return "weights: in_features x out_features, plus one bias per output feature"


def check_conv(sub: Submission, i: int, o: int, k: int | tuple[int, int], bias: bool | None = None) -> None:
    what = conv_text(i, o, k, bias)
    kwargs = {} if bias is None else {"bias": bias}
    found = as_int(sub.function("conv2d_param_count")(i, o, k, **kwargs), what)
    if found != conv_parameters(i, o, k, bias=bias is not False):
        raise AssertionError(
            f"{what} returned {found:,}, not the parameter count of the same nn.Conv2d. "
            f"Hint: {conv_hint(found, i, o, k, bias is not False)}"
        )


def check_linear(sub: Submission, i: int, o: int, bias: bool | None = None) -> None:
    what = linear_text(i, o, bias)
    found = as_int(sub.function("linear_param_count")(i, o, **({} if bias is None else {"bias": bias})), what)
    if found != linear_parameters(i, o, bias=bias is not False):
        raise AssertionError(
            f"{what} returned {found:,}, not the parameter count of the same nn.Linear. "
            f"Hint: {linear_hint(found, i, o, bias is not False)}"
        )


@pytest.mark.points(1)
def test_lecture_convolutions(sub: Submission) -> None:
    """The lecture's Conv2d(1, 3, 3) and Conv2d(3, 3, 3)"""
    for i in (1, 3):
        found = as_int(sub.function("conv2d_param_count")(i, 3, 3), conv_text(i, 3, 3, None))
        expected = conv_parameters(i, 3, 3)
        if found != expected:
            raise AssertionError(
                f"{conv_text(i, 3, 3, None)} returned {found}; "
                f"nn.Conv2d({i}, 3, 3) has {expected} parameters "
                f"(an example of the lecture). Hint: {conv_hint(found, i, 3, 3, True)}"
            )


@pytest.mark.points(1)
def test_conv_counts(sub: Submission, rng: torch.Generator) -> None:
    """Convolutions of other sizes, with int and (height, width) kernels"""
    for _ in range(2):
        i, o = randint(rng, 1, 64), randint(rng, 1, 64)
        check_conv(sub, i, o, 2 * randint(rng, 0, 3) + 1)
    for _ in range(2):
        kh = randint(rng, 1, 7)
        check_conv(sub, randint(rng, 1, 32), randint(rng, 1, 32), (kh, kh + randint(rng, 1, 3)))


@pytest.mark.points(1)
def test_linear_counts(sub: Submission, rng: torch.Generator) -> None:
    """Linear layers, the lecture's Linear(1250, 1) among them"""
    check_linear(sub, 1250, 1)
    for _ in range(3):
        check_linear(sub, randint(rng, 1, 5000), randint(rng, 1, 300))


@pytest.mark.points(1)
def test_without_bias(sub: Submission, rng: torch.Generator) -> None:
    """bias=False for both layers"""
    check_conv(sub, randint(rng, 1, 16), randint(rng, 1, 16), 2 * randint(rng, 1, 2) + 1, bias=False)
    check_conv(sub, randint(rng, 1, 16), randint(rng, 1, 16), 1, bias=False)
    check_linear(sub, randint(rng, 1, 500), randint(rng, 1, 50), bias=False)
