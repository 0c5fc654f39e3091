"""Hidden tests of ``max_pool2d_single(image, kernel_size)``: what F.max_pool2d computes, by hand.

The notebook's rule holds for every test: an answer that hands the work to torch's own pooling
(however imported or aliased) earns none of this question's points; ``unfold``, ``amax`` and other
tensor arithmetic are fine.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from _lab6_reference import grid_text, int_grid, randint, require_by_hand

from cnngrader.answers import as_tensor
from cnngrader.inspect import format_shape
from cnngrader.read.uses import TORCH_POOLING
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("max_pool2d_single")

# The lecture's example (public).
LECTURE_IMAGE = torch.tensor([[1, 3, 2, 9], [7, 4, 1, 5], [8, 5, 2, 3], [4, 2, 1, 4]], dtype=torch.float32)

# The notebook's rule, as its question states it.
RULE = (
    "Do not call F.max_pool2d, torch.max_pool2d, nn.MaxPool2d or any other pooling of torch, "
    "however you import it: it is the referee in the checks."
)


@pytest.fixture(autouse=True)
def by_hand(sub: Submission) -> None:
    """Every test of this question first checks the notebook's by-hand rule."""
    require_by_hand(sub, "max_pool2d_single", TORCH_POOLING, "pooling", RULE)


def pool(image: torch.Tensor, k: int, kind: str = "max", ceil: bool = False) -> torch.Tensor:
    """F.max_pool2d (or the average, for diagnosis) of a 2-D image, in float64."""
    fn = F.max_pool2d if kind == "max" else F.avg_pool2d
    return fn(image[None, None].double(), k, ceil_mode=ceil)[0, 0]


def student_pool(sub: Submission, image: torch.Tensor, k: int) -> torch.Tensor:
    value = sub.function("max_pool2d_single")(image.clone(), k)
    return as_tensor(value, f"the result of {call_text(image, k)}")


def call_text(image: torch.Tensor, k: int) -> str:
    return f"max_pool2d_single(<{format_shape(image.shape)} image>, {k})"


def shape_hint(found: tuple[int, ...], image: torch.Tensor, k: int) -> str:
    if found == tuple(pool(image, k, ceil=True).shape):
        return "incomplete windows at the right and bottom edges are dropped, as F.max_pool2d does"
    h, w = image.shape
    if found == (h - k + 1, w - k + 1):
        return "the window moves by its own size (stride = kernel_size), so windows do not overlap"
    return "the output has height // kernel_size rows and width // kernel_size columns"


def value_hint(found: torch.Tensor, image: torch.Tensor, k: int) -> str:
    if torch.allclose(found, pool(image, k, "avg")):
        return "these are the windows' averages: max pooling keeps the largest value of each window"
    if torch.allclose(found, pool(image, k).clamp(min=0)):
        return "negative windows come out as 0: start each maximum from the window's own values, not from 0"
    return "each output value is the largest value of its window"


def check(sub: Submission, image: torch.Tensor, k: int) -> None:
    expected = pool(image, k)
    found = student_pool(sub, image, k)
    if tuple(found.shape) != tuple(expected.shape):
        raise AssertionError(
            f"{call_text(image, k)} returned a result of shape {tuple(found.shape)}, not what F.max_pool2d "
            f"gives. Hint: {shape_hint(tuple(found.shape), image, k)}"
        )
    if not torch.allclose(found, expected):
        raise AssertionError(
            f"{call_text(image, k)} returned wrong values. Hint: {value_hint(found, image, k)}"
        )


@pytest.mark.points(1)
def test_lecture_example(sub: Submission) -> None:
    """The lecture's 4x4 example with a 2x2 window"""
    found = student_pool(sub, LECTURE_IMAGE, 2)
    expected = pool(LECTURE_IMAGE, 2)
    if tuple(found.shape) != (2, 2) or not torch.allclose(found, expected):
        shown = grid_text(found) if found.dim() == 2 else f"shape {tuple(found.shape)}"
        raise AssertionError(f"the lecture's example should give {grid_text(expected)}, found {shown}")


@pytest.mark.points(1)
def test_output_shape(sub: Submission, rng: torch.Generator) -> None:
    """Output shape: incomplete windows at the edges are dropped"""
    for k in (2, 3):
        image = int_grid(rng, randint(rng, 2, 5) * k + randint(rng, 1, k - 1), randint(rng, 2, 5) * k + 1)
        found = student_pool(sub, image, k)
        if tuple(found.shape) != tuple(pool(image, k).shape):
            raise AssertionError(
                f"{call_text(image, k)} returned a result of shape {tuple(found.shape)}, "
                f"not what F.max_pool2d gives. Hint: {shape_hint(tuple(found.shape), image, k)}"
            )


@pytest.mark.points(1)
def test_values(sub: Submission, rng: torch.Generator) -> None:
    """Values with 2x2 windows, negative numbers included"""
    for _ in range(3):
        image = int_grid(rng, 2 * randint(rng, 2, 5), 2 * randint(rng, 2, 5), low=-9, high=9)
        image[:2, :2] = -image[:2, :2].abs() - 1  # one window of negatives only
        check(sub, image, 2)


@pytest.mark.points(1)
def test_other_windows(sub: Submission, rng: torch.Generator) -> None:
    """Other window sizes on non-square images"""
    for k in (3, 4):
        rows = randint(rng, 1, 4)
        image = int_grid(rng, k * rows, k * (rows + randint(rng, 1, 2)), low=-9, high=9)
        check(sub, image, k)
