"""Canonical hyperparameters: one form per setting, whatever form the student gave it in.

Sizes become tuples per spatial dimension (``3`` and ``(3, 3)`` alike), a pool's missing stride
becomes its kernel, ``padding='same'`` becomes the number it pads, and an activation keeps only
the settings that change what it computes (``inplace`` does not).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

Hyper = tuple[tuple[str, Any], ...]


def conv(
    weight: tuple[int, ...],
    groups: int,
    stride: Any,
    padding: Any,
    dilation: Any,
    bias: bool,
    mode: str = "zeros",
) -> Hyper:
    """A convolution read from its weight shape (out, in / groups, kernel...) and its settings."""
    dims = len(weight) - 2
    kernel = tuple(weight[2:])
    dil = as_tuple(dilation, dims)
    return (
        ("in", weight[1] * groups),
        ("out", weight[0]),
        ("kernel", kernel),
        ("stride", as_tuple(stride, dims)),
        ("padding", padding_of(padding, kernel, dil)),
        ("dilation", dil),
        ("groups", groups),
        ("bias", bias),
        ("padding_mode", mode),
    )


def padding_of(padding: Any, kernel: tuple[int, ...], dilation: tuple[int, ...]) -> Any:
    """Padding per dimension; 'same' becomes its number, kept as 'same' only where it is uneven."""
    if padding == "valid":
        return (0,) * len(kernel)
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        return tuple(t // 2 for t in totals) if all(t % 2 == 0 for t in totals) else "same"
    return as_tuple(padding, len(kernel))


def max_pool(dims: int, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil: bool) -> Hyper:
    """Max pooling; no stride (None, or torch's ``[]``) means a stride equal to the kernel."""
    k = as_tuple(kernel, dims)
    return (
        ("kernel", k),
        ("stride", as_tuple(stride, dims) if stride not in (None, (), []) else k),
        ("padding", as_tuple(padding, dims)),
        ("dilation", as_tuple(dilation, dims)),
        ("ceil_mode", bool(ceil)),
    )


def avg_pool(
    dims: int, kernel: Any, stride: Any, padding: Any, ceil: bool, include_pad: bool, divisor: Any
) -> Hyper:
    """Average pooling, with the same stride rule as :func:`max_pool`."""
    k = as_tuple(kernel, dims)
    return (
        ("kernel", k),
        ("stride", as_tuple(stride, dims) if stride not in (None, (), []) else k),
        ("padding", as_tuple(padding, dims)),
        ("ceil_mode", bool(ceil)),
        ("count_include_pad", bool(include_pad)),
        ("divisor", divisor),
    )


def activation(op: str, settings: Mapping[str, Any]) -> Hyper:
    """The hyperparameters that change what an activation computes (``inplace`` does not)."""
    if op == "leaky relu":
        return (("slope", float(settings.get("negative_slope", 0.01))),)
    if op == "elu":
        return (("alpha", float(settings.get("alpha", 1.0))),)
    if op == "gelu":
        approximate = settings.get("approximate", "none")
        return (("approximate", approximate),) if approximate != "none" else ()
    if op in ("softmax", "log softmax"):
        return (("dim", settings.get("dim")),)
    return ()


def as_tuple(value: Any, dims: int) -> tuple[int, ...]:
    """``3``, ``(3,)`` or ``(3, 3)`` as ``(3, 3)`` for two spatial dimensions."""
    if isinstance(value, (tuple, list, torch.Size)):
        items = tuple(int(v) for v in value)
        return items * dims if len(items) == 1 and dims > 1 else items
    return (int(value),) * dims
