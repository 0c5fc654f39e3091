"""Hidden tests of ``conv2d_single(image, kernel, stride=1, padding=0)``: what nn.Conv2d computes, by hand.

The notebook's rule holds for every test: an answer that hands the work to torch's own convolution
(however imported or aliased) earns none of this question's points; ``F.pad``, ``unfold`` and
tensor arithmetic are fine.
"""

from __future__ import annotations

import pytest
import torch
from _lab6_reference import (
    conv2d_reference,
    grid_text,
    int_grid,
    randint,
    require_by_hand,
    symmetric_kernel,
)

from cnngrader.answers import as_tensor
from cnngrader.inspect import format_shape
from cnngrader.read.uses import TORCH_CONVOLUTION
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("conv2d_single")

# The lecture's 5x5 example (public): the image and the kernel of its animation.
LECTURE_IMAGE = torch.tensor(
    [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]], dtype=torch.float32
)
LECTURE_KERNEL = torch.tensor([[0, 1, 2], [2, 2, 0], [0, 1, 2]], dtype=torch.float32)

# The notebook's rule, as its question states it.
RULE = (
    "Do not call F.conv2d, torch.conv2d or nn.Conv2d, however you import them: "
    "they are the referees in the checks."
)


@pytest.fixture(autouse=True)
def by_hand(sub: Submission) -> None:
    """Every test of this question first checks the notebook's by-hand rule."""
    require_by_hand(sub, "conv2d_single", TORCH_CONVOLUTION, "convolution", RULE)


def call_text(image: torch.Tensor, kernel: torch.Tensor, stride: int, padding: int) -> str:
    extra = "".join(f", {n}={v}" for n, v in (("stride", stride), ("padding", padding)) if v)
    return f"conv2d_single(<{format_shape(image.shape)} image>, <{format_shape(kernel.shape)} kernel>{extra})"


def student_conv(
    sub: Submission, image: torch.Tensor, kernel: torch.Tensor, stride: int = 0, padding: int = 0
) -> torch.Tensor:
    """Call the student's function (stride/padding passed only when not the default)."""
    kwargs = {n: v for n, v in (("stride", stride), ("padding", padding)) if v}
    value = sub.function("conv2d_single")(image.clone(), kernel.clone(), **kwargs)
    return as_tensor(value, f"the result of {call_text(image, kernel, stride, padding)}")


def shape_hint(
    found: tuple[int, ...], image: torch.Tensor, kernel: torch.Tensor, stride: int, padding: int
) -> str:
    s = stride or 1
    if padding and found == tuple(conv2d_reference(image, kernel, s, 0).shape):
        return "the padding seems ignored: add padding rows and columns of zeros on every side first"
    if s > 1 and found == tuple(conv2d_reference(image, kernel, 1, padding).shape):
        return "the stride seems ignored: the kernel should move stride pixels at a time, in both directions"
    expected = tuple(conv2d_reference(image, kernel, s, padding).shape)
    if found == expected[::-1] and expected[0] != expected[1]:
        return "height and width look swapped: rows come from the image's height, columns from its width"
    if len(found) == 2 and all(abs(f - e) <= 1 for f, e in zip(found, expected, strict=True)):
        return "off by one: the output has (size + 2 x padding - kernel) // stride + 1 rows (and columns)"
    return "each output size is (size + 2 x padding - kernel) // stride + 1"


def check(
    sub: Submission, image: torch.Tensor, kernel: torch.Tensor, stride: int = 0, padding: int = 0
) -> None:
    """Shape first, then values, with the usual mistakes named (expected values are not shown)."""
    expected = conv2d_reference(image, kernel, stride or 1, padding)
    found = student_conv(sub, image, kernel, stride, padding)
    what = call_text(image, kernel, stride, padding)
    if tuple(found.shape) != tuple(expected.shape):
        raise AssertionError(
            f"{what} returned a result of shape {tuple(found.shape)}, not the output shape of nn.Conv2d. "
            f"Hint: {shape_hint(tuple(found.shape), image, kernel, stride, padding)}"
        )
    if not torch.allclose(found, expected, rtol=1e-4, atol=1e-4):
        raise AssertionError(f"{what}: {value_problem(found, image, kernel, stride, padding)}")


def value_problem(
    found: torch.Tensor, image: torch.Tensor, kernel: torch.Tensor, stride: int, padding: int
) -> str:
    flipped = conv2d_reference(image, kernel.flip(0, 1), stride or 1, padding)
    if torch.allclose(found, flipped, rtol=1e-4, atol=1e-4):
        return (
            "the values are those of a true convolution, with the kernel flipped; nn.Conv2d computes "
            "cross-correlation: multiply each window by the kernel as it is, without flipping it"
        )
    expected = conv2d_reference(image, kernel, stride or 1, padding)
    wrong = ~torch.isclose(found, expected, rtol=1e-4, atol=1e-4)
    row, col = (int(i) for i in wrong.nonzero()[0])
    hint = " (the padding must be zeros)" if padding else ""
    return (
        f"{int(wrong.sum())} of {wrong.numel()} values differ from nn.Conv2d's, the first at row {row}, "
        f"column {col}{hint}; each value is the sum of the window times the kernel, element by element"
    )


@pytest.mark.points(1)
def test_lecture_examples(sub: Submission) -> None:
    """The lecture's 5x5 example, without and with padding 1 and stride 2"""
    for stride, padding in ((0, 0), (2, 1)):
        expected = conv2d_reference(LECTURE_IMAGE, LECTURE_KERNEL, stride or 1, padding)
        found = student_conv(sub, LECTURE_IMAGE, LECTURE_KERNEL, stride, padding)
        if tuple(found.shape) != tuple(expected.shape) or not torch.allclose(found, expected):
            shown = grid_text(found) if found.dim() == 2 else f"shape {tuple(found.shape)}"
            raise AssertionError(
                f"the lecture's example {call_text(LECTURE_IMAGE, LECTURE_KERNEL, stride, padding)} "
                f"should give {grid_text(expected)}, found {shown}"
            )


@pytest.mark.points(1)
def test_output_shape(sub: Submission, rng: torch.Generator) -> None:
    """Output shape for non-square images and kernels"""
    for _ in range(3):
        h, w = randint(rng, 5, 12), randint(rng, 5, 12)
        image, kernel = int_grid(rng, h, w), int_grid(rng, randint(rng, 1, 4), randint(rng, 1, 4))
        found = student_conv(sub, image, kernel)
        expected = tuple(conv2d_reference(image, kernel).shape)
        if tuple(found.shape) != expected:
            raise AssertionError(
                f"{call_text(image, kernel, 0, 0)} returned a result of shape {tuple(found.shape)}, "
                "not the output shape of nn.Conv2d. "
                f"Hint: {shape_hint(tuple(found.shape), image, kernel, 0, 0)}"
            )


@pytest.mark.points(1)
def test_values(sub: Submission, rng: torch.Generator) -> None:
    """Values: cross-correlation (no kernel flip), stride 1, no padding"""
    for _ in range(3):
        image = int_grid(rng, randint(rng, 5, 10), randint(rng, 5, 10))
        kernel = int_grid(rng, randint(rng, 2, 4), randint(rng, 2, 4))
        if torch.equal(kernel, kernel.flip(0, 1)):
            kernel[0, 0] += 1  # a flip must show
        check(sub, image, kernel)


@pytest.mark.points(1)
def test_padding(sub: Submission, rng: torch.Generator) -> None:
    """Zero padding on every side"""
    for padding in (1, 2):
        image = int_grid(rng, randint(rng, 4, 9), randint(rng, 4, 9))
        check(sub, image, symmetric_kernel(rng, 3, randint(rng, 1, 2) * 2 + 1), padding=padding)


@pytest.mark.points(1)
def test_stride(sub: Submission, rng: torch.Generator) -> None:
    """Strides of 2 and 3"""
    for stride in (2, 3):
        image = int_grid(rng, randint(rng, 7, 12), randint(rng, 7, 12))
        check(sub, image, symmetric_kernel(rng, 3, randint(rng, 2, 3)), stride=stride)


@pytest.mark.points(1)
def test_stride_and_padding(sub: Submission, rng: torch.Generator) -> None:
    """Stride and padding together"""
    for _ in range(2):
        image = int_grid(rng, randint(rng, 6, 11), randint(rng, 6, 11))
        kernel = symmetric_kernel(rng, randint(rng, 2, 4), randint(rng, 2, 4))
        check(sub, image, kernel, stride=randint(rng, 2, 3), padding=randint(rng, 1, 2))
