"""Steps that compute the same function, written one way: equal computations score equally.

Each rule below rewrites a sequence of steps into another that computes exactly the same function
on the inputs the model was followed on, so that a grader comparing steps compares computations,
not the order or the options a student happened to write. Conditions that depend on sizes are
checked on the shapes of the run (``Step.input`` and ``Step.shape``), never assumed:

- max pooling commutes with any non-decreasing elementwise activation (max(f(x)) = f(max(x))), so
  ``conv -> max pool -> ReLU`` is ``conv -> ReLU -> max pool``, the lecture's order; an elementwise
  activation after a flatten is the same activation before it;
- ``ceil_mode=True`` changes nothing when it adds no window (the output has the floor-mode size);
- adaptive pooling to a size that divides the input is plain pooling with kernel = stride =
  input / output (``AdaptiveMaxPool2d(50)`` on 100x100 is ``MaxPool2d(2)``);
- average pooling without padding counts no padding, whatever ``count_include_pad`` says;
- zero padding with ``F.pad`` (the same on both sides) followed by a convolution is that
  convolution's own zero padding;
- a ReLU (or ReLU6, Hardtanh) applied twice in a row is applied once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cnngrader.inspect import hyper

if TYPE_CHECKING:
    from cnngrader.inspect.steps import Step

__all__ = ["ELEMENTWISE", "MONOTONE", "canonical"]

# Non-decreasing elementwise activations (with the settings that keep them so, checked below).
MONOTONE = frozenset(
    {"relu", "leaky relu", "sigmoid", "tanh", "elu", "selu", "relu6", "hardtanh", "softplus"}
)
# Activations that act on each number alone (softmax and PReLU look at more than one).
ELEMENTWISE = MONOTONE | {"gelu", "silu", "mish", "hardswish"}
IDEMPOTENT = frozenset({"relu", "relu6", "hardtanh"})
MAX_POOLS = frozenset({"max pool", "adaptive max pool", "global max pool"})
FLATTENS = frozenset({"flatten", "reshape"})


def canonical(steps: Sequence[Step]) -> tuple[Step, ...]:
    """``steps`` with every rule of this module applied until none applies any more."""
    out = [_plain(step) for step in steps]
    out = _fold_padding(out)
    changed = True
    while changed:
        out, moved = _activations_first(out)
        out, merged = _once(out)
        changed = moved or merged
    return tuple(out)


# --- one step at a time: options without effect, other spellings of one operation --------------


def _plain(step: Step) -> Step:
    if step.op in ("adaptive max pool", "adaptive avg pool"):
        step = _adaptive_as_plain(step)
    if step.op in ("max pool", "avg pool"):
        step = _without_ceil(step)
    if step.op == "avg pool" and all(p == 0 for p in step.get("padding", ())):
        step = _with(step, count_include_pad=True)
    return step


def _adaptive_as_plain(step: Step) -> Step:
    sizes, out = _spatial(step.input, step), step.get("output")
    if sizes is None or not isinstance(out, tuple) or len(out) != len(sizes):
        return step
    if any(o is None or o <= 0 or n % o for n, o in zip(sizes, out, strict=True)):
        return step
    kernel = tuple(n // o for n, o in zip(sizes, out, strict=True))
    dims = len(kernel)
    if step.op == "adaptive max pool":
        settings = hyper.max_pool(dims, kernel, kernel, 0, 1, False)
        return dataclasses.replace(step, op="max pool", hyper=settings)
    settings = hyper.avg_pool(dims, kernel, kernel, 0, False, True, None)
    return dataclasses.replace(step, op="avg pool", hyper=settings)


def _without_ceil(step: Step) -> Step:
    """``ceil_mode`` off when the output has the size it would have without it (no extra window)."""
    if not step.get("ceil_mode"):
        return step
    sizes = _spatial(step.input, step)
    if sizes is None or step.shape is None or len(step.shape) < len(sizes):
        return step
    kernel, stride = step.get("kernel"), step.get("stride")
    padding, dilation = step.get("padding"), step.get("dilation", (1,) * len(sizes))
    floor = tuple(
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, s, p, d in zip(sizes, kernel, stride, padding, dilation, strict=True)
    )
    if tuple(step.shape[-len(sizes) :]) != floor:
        return step
    return _with(step, ceil_mode=False)


# --- neighbours: padding folded into its convolution ---------------------------------------------


def _fold_padding(steps: list[Step]) -> list[Step]:
    out: list[Step] = []
    for step in steps:
        previous = out[-1] if out else None
        if previous is not None and previous.op == "pad" and step.op == "conv":
            folded = _conv_with_padding(previous, step)
            if folded is not None:
                out[-1] = folded
                continue
        out.append(step)
    return out


def _conv_with_padding(pad: Step, conv: Step) -> Step | None:
    """The convolution that pads by itself what ``pad`` added, if zeros were added evenly."""
    amounts, kernel, padding = pad.get("pad"), conv.get("kernel"), conv.get("padding")
    if pad.get("mode") != "constant" or pad.get("value") != 0.0 or conv.get("padding_mode") != "zeros":
        return None
    if not isinstance(amounts, tuple) or not isinstance(kernel, tuple) or not isinstance(padding, tuple):
        return None
    dims = len(kernel)
    if len(amounts) != 2 * dims:
        return None
    # F.pad lists (left, right) of the last dimension first; a convolution's padding is per dimension.
    pairs = [amounts[2 * i : 2 * i + 2] for i in range(dims)][::-1]
    if any(a != b or a < 0 for a, b in pairs):
        return None
    total = tuple(p + a for p, (a, _) in zip(padding, pairs, strict=True))
    return dataclasses.replace(
        conv, hyper=_replaced(conv.hyper, padding=total), input=pad.input, parameters=conv.parameters
    )


# --- neighbours that commute ---------------------------------------------------------------------


def _activations_first(steps: list[Step]) -> tuple[list[Step], bool]:
    """Move an activation before the max pooling or flatten it follows, where the two commute."""
    out = list(steps)
    moved = False
    for i in range(len(out) - 1):
        first, then = out[i], out[i + 1]
        if then.parameters or not _commutes(first, then):
            continue
        before = first.input
        out[i] = dataclasses.replace(then, shape=before, input=before)
        out[i + 1] = dataclasses.replace(first, input=before)
        moved = True
    return out, moved


def _commutes(first: Step, then: Step) -> bool:
    if first.op in MAX_POOLS and then.op in MONOTONE and _non_decreasing(then):
        return all(p == 0 for p in first.get("padding", ()))  # padding would be a value f never saw
    return first.op in FLATTENS and then.op in ELEMENTWISE


def _non_decreasing(step: Step) -> bool:
    if step.op == "leaky relu":
        return float(step.get("slope", 0.01)) >= 0
    if step.op == "elu":
        return float(step.get("alpha", 1.0)) >= 0
    return True


def _once(steps: list[Step]) -> tuple[list[Step], bool]:
    out: list[Step] = []
    for step in steps:
        previous = out[-1] if out else None
        if previous is not None and step.op in IDEMPOTENT and step.same_operation(previous):
            continue
        out.append(step)
    return out, len(out) != len(steps)


# --- helpers ------------------------------------------------------------------------------------


def _spatial(shape: tuple[int, ...] | None, step: Step) -> tuple[int, ...] | None:
    """The spatial sizes of a pooling step's input, from the number of its kernel's dimensions."""
    dims = len(step.get("kernel") or step.get("output") or ())
    if shape is None or dims == 0 or len(shape) < dims:
        return None
    return tuple(shape[-dims:])


def _with(step: Step, **changes: Any) -> Step:
    return dataclasses.replace(step, hyper=_replaced(step.hyper, **changes))


def _replaced(settings: tuple[tuple[str, Any], ...], **changes: Any) -> tuple[tuple[str, Any], ...]:
    return tuple((name, changes.get(name, value)) for name, value in settings)
