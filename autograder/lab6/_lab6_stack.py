"""Question 7 (``linear_in_features``) for one student: their layers, and the usual slips made of
them. The layers are small and run once on a zero image on the CPU (on "meta", torch's first
convolution would import sympy: over a second and 100 MB in every worker). The layers are drawn
by ``_lab6_draw`` (the code the notebook shows); what comes out of them is decided by running
them, never by a formula typed a second time.
"""

from __future__ import annotations

from typing import Any

import torch
from _lab6_draw import draw
from torch import nn


def params(student: str | None) -> dict[str, Any]:
    return draw(student)


def layers(
    p: dict[str, Any], *, first_padding: int = 0, second_padding: int | None = None
) -> tuple[nn.Module, ...]:
    """conv, pool, conv, pool as the question states them (or with a slipped padding)."""
    (c0, c1, k1), (_, c2, k2, p2) = p["conv1"], p["conv2"]
    first = nn.Conv2d(c0, c1, k1, padding=first_padding)
    second = nn.Conv2d(c1, c2, k2, padding=p2 if second_padding is None else second_padding)
    return first, nn.MaxPool2d(2), second, nn.MaxPool2d(2)


def flattened(p: dict[str, Any], *stack: nn.Module) -> int:
    with torch.no_grad():
        return int(nn.Sequential(*stack, nn.Flatten())(torch.zeros(1, *p["image"])).shape[1])


def linear_in_features(p: dict[str, Any]) -> int:
    return flattened(p, *layers(p))


def slips(p: dict[str, Any]) -> dict[int, str]:
    """What a student gets by each usual slip, and the lecture fact that fixes it."""
    conv1, pool, conv2, _ = layers(p)
    k1, (_, c2, k2, p2) = p["conv1"][2], p["conv2"]
    same1 = layers(p, first_padding=k1 // 2)[0]
    found: dict[int, str] = {}
    if p2 != k2 // 2:  # as if the padding kept the size
        found[flattened(p, conv1, pool, layers(p, second_padding=k2 // 2)[2], pool)] = (
            f"padding={p2} with a {k2}x{k2} kernel makes the image {k2 - 1 - 2 * p2} pixels smaller"
        )
    if p2:  # as if there were no padding
        found[flattened(p, conv1, pool, layers(p, second_padding=0)[2], pool)] = (
            f"padding={p2} with a {k2}x{k2} kernel keeps the height and width"
            if p2 == k2 // 2
            else f"padding={p2} adds {p2} rows and columns of zeros on each side"
        )
    found[flattened(p, same1, pool, conv2, pool)] = (
        f"a {k1}x{k1} kernel without padding makes the image {k1 - 1} pixels smaller"
    )
    pooling = "each MaxPool2d(2) halves the height and the width"
    found[flattened(p, conv1, conv2, pool)] = pooling
    found[flattened(p, conv1, pool, conv2)] = pooling
    found[flattened(p, conv1, conv2)] = pooling
    per_channel = linear_in_features(p) // c2  # height x width of the last feature maps
    found[per_channel] = "multiply by the channels too: channels x height x width"
    found[per_channel * p["conv1"][1]] = f"the last convolution has {c2} output channels"
    found[per_channel * p["image"][0]] = (
        "the channels after flattening are the last convolution's out_channels"
    )
    found.pop(linear_in_features(p), None)  # a slip that happens to give the right size is no slip
    return found
