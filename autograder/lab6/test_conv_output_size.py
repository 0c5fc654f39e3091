"""Hidden tests of ``conv_output_size(input_size, kernel_size, stride=1, padding=0)``."""

from __future__ import annotations

import pytest
import torch
from _lab6_reference import conv_size, randint

from cnngrader.answers import as_int
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("conv_output_size")

ROUNDS = 6

# The lecture's examples: (input, kernel, stride, padding). Their answers are public.
LECTURE = [(100, 5, 1, 0), (100, 51, 1, 0), (100, 51, 1, 25), (100, 25, 3, 0), (5, 3, 2, 1), (4, 3, 1, 0)]


def call_text(n: int, k: int, stride: int | None, padding: int | None) -> str:
    extra = "".join(
        f", {name}={v}" for name, v in (("stride", stride), ("padding", padding)) if v is not None
    )
    return f"conv_output_size({n}, {k}{extra})"


def student_size(
    sub: Submission, n: int, k: int, stride: int | None = None, padding: int | None = None
) -> int:
    kwargs = {name: v for name, v in (("stride", stride), ("padding", padding)) if v is not None}
    value = sub.function("conv_output_size")(n, k, **kwargs)
    what = call_text(n, k, stride, padding)
    if isinstance(value, float) and not value.is_integer():
        raise AssertionError(f"{what} returned {value}; nn.Conv2d rounds the division down: use //")
    return as_int(value, what)


def mistake(found: int, n: int, k: int, stride: int, padding: int) -> str:
    """A lecture-level explanation of a wrong size, where one of the usual slips explains it."""
    if padding and found == conv_size(n, k, stride, 0):
        return "the padding seems ignored: padding adds zeros on both sides, 2 x padding in all"
    if padding and found == (n + padding - k) // stride + 1:
        return "padding goes on both sides of the image: add 2 x padding, not padding"
    if stride > 1 and found == conv_size(n, k, 1, padding):
        return "the stride seems ignored: the kernel moves stride pixels at a time, so divide by the stride"
    if abs(found - conv_size(n, k, stride, padding)) == 1:
        return "off by one: the formula is (size + 2 x padding - kernel) // stride + 1; is the + 1 right?"
    return "the formula is (size + 2 x padding - kernel) // stride + 1"


def check(sub: Submission, n: int, k: int, stride: int | None, padding: int | None) -> None:
    s, p = stride or 1, padding or 0
    found = student_size(sub, n, k, stride, padding)
    if found != conv_size(n, k, s, p):
        raise AssertionError(
            f"{call_text(n, k, stride, padding)} returned {found}, not the size nn.Conv2d produces. "
            f"Hint: {mistake(found, n, k, s, p)}"
        )


@pytest.mark.points(1)
def test_lecture_examples(sub: Submission) -> None:
    """The lecture's examples (5x5, 51x51 and 25x25 kernels on 100x100, ...)"""
    for n, k, s, p in LECTURE:
        found = student_size(sub, n, k, s, p)
        expected = conv_size(n, k, s, p)
        if found != expected:
            raise AssertionError(
                f"{call_text(n, k, s, p)} returned {found}; nn.Conv2d gives {expected} "
                "(an example of the lecture). "
                f"Hint: {mistake(found, n, k, s, p)}"
            )


@pytest.mark.points(1)
def test_defaults(sub: Submission, rng: torch.Generator) -> None:
    """Kernel only: stride 1 and no padding by default"""
    for _ in range(ROUNDS):
        n = randint(rng, 5, 64)
        check(sub, n, randint(rng, 1, min(n, 11)), None, None)


@pytest.mark.points(1)
def test_padding(sub: Submission, rng: torch.Generator) -> None:
    """Zero padding on both sides"""
    for _ in range(ROUNDS):
        n, p = randint(rng, 3, 64), randint(rng, 1, 5)
        check(sub, n, randint(rng, 1, min(n + 2 * p, 11)), 1, p)


@pytest.mark.points(1)
def test_stride(sub: Submission, rng: torch.Generator) -> None:
    """Strides of 2 to 4"""
    for round_ in range(ROUNDS):
        n, s = randint(rng, 5, 64), randint(rng, 2, 4)
        k = randint(rng, 1, min(n, 11))
        if round_ == 0 and (n - k) % s == 0:
            n += 1  # one size the stride does not divide: rounding down must show
        check(sub, n, k, s, None)
