"""Helpers of the quiz6 hidden tests: answer checks whose messages never give the answer away.

The right answers are computed with torch where torch can answer the question (shapes, counts,
pooling), so the tests and the library agree by construction.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from cnngrader.answers import as_letter, as_letters


def conv_shape(image: tuple[int, ...], kernel: tuple[int, ...], **kwargs: int) -> tuple[int, ...]:
    """The output shape of F.conv2d for these shapes (computed on "meta": no arithmetic)."""
    x, w = torch.empty(*image, device="meta"), torch.empty(*kernel, device="meta")
    return tuple(F.conv2d(x, w, **kwargs).shape)


def check_letter(found: object, name: str, options: str, right: str) -> None:
    letter = as_letter(found, name)
    if letter not in options:
        raise AssertionError(f"{name} should be one of {', '.join(options)}; found {letter!r}")
    if letter != right:
        raise AssertionError(f"{name} = {letter!r} is not the right answer")


def check_letters(found: object, name: str, options: str, right: frozenset[str]) -> None:
    letters = as_letters(found, name)
    if not letters <= set(options):
        raise AssertionError(
            f"{name} should only contain letters among {', '.join(options)}; found {sorted(letters)}"
        )
    if letters != right:
        raise AssertionError(f"{name} = {sorted(letters)} is not the right selection")


def wrong(name: str, found: object, hint: str = "") -> AssertionError:
    return AssertionError(f"{name} = {found} is not the right answer" + (f". Hint: {hint}" if hint else ""))
