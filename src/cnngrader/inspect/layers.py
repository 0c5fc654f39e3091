"""A step back to the torch layer that computes it: references written in words, errors carried forward.

Two uses. A public check can state the lecture's network in the words the diagnostics print
(``conv 1->3 kernel 3 padding 1``, ``relu``, ``max pool 2``...) instead of code a student could copy:
:func:`steps_from_words` builds those layers on the "meta" device and follows them. And a hidden test
can judge a layer against the student's own earlier choices (error carried forward):
:func:`carried` is the expected step as it would be on what really comes into the student's step,
its input channels or features and its output shape following from there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import torch
from torch import nn

from cnngrader.inspect import spellings
from cnngrader.inspect.steps import Step, follow_model, format_shape
from cnngrader.rebuild.shapes import shortcut

__all__ = ["carried", "layer", "steps_from_words"]

_SIZE = r"\d+(?:x\d+)*"
_SHOWN = re.compile(r"(.*?)\s+(?:->|→)\s+(\d+(?:\s*x\s*\d+)*)")
_ACTIVATIONS: Mapping[str, type[nn.Module]] = {op: cls for cls, op in spellings.ACTIVATION_LAYERS}


def steps_from_words(lines: str | Iterable[str], input_shape: tuple[int, ...]) -> list[Step]:
    """The steps of the network that ``lines`` describe, one step per line, in the diagnostics' words.

    A line may end in ``-> 3x100x100``: the shape that step must output, checked here (a
    ``ValueError`` says which line is wrong, so a typo in a reference does not go unnoticed).
    """
    texts = [t.strip() for t in (lines.splitlines() if isinstance(lines, str) else lines)]
    texts = [t for t in texts if t and not t.startswith("#")]
    layers: list[nn.Module] = []
    shape = tuple(input_shape)
    wanted: list[tuple[int, str, tuple[int, ...] | None]] = []
    for n, text in enumerate(texts, 1):
        shown = _SHOWN.fullmatch(text)  # "conv 1->3 kernel 3 padding 1 -> 3x100x100"
        words = shown.group(1) if shown else text
        layer_ = _from_words(words, shape, n)
        layers.append(layer_)
        shape = _output_shape(layer_, shape, n, words)
        wanted.append((n, words, _size(shown.group(2).replace(" ", "")) if shown else None))
    followed = follow_model(nn.Sequential(*layers), tuple(input_shape), canonical=True)
    if followed.error is not None:
        raise ValueError(f"these layers cannot be followed on an input of {format_shape(input_shape)}: "
                         f"{followed.error}")  # fmt: skip
    steps = list(followed.steps)
    for (n, words, expected), step in zip(wanted, _one_per_layer(steps, layers), strict=False):
        if expected is not None and step.shape != expected:
            raise ValueError(
                f"line {n} ({words}) outputs {format_shape(step.shape)}, not {format_shape(expected)}"
            )
    return steps


def layer(op: str, settings: Mapping[str, Any], incoming: tuple[int, ...] | None = None) -> nn.Module:
    """The torch layer (on "meta") that computes a step with these canonical hyperparameters.

    ``incoming`` (the shape coming in, no batch) picks 1-D or 2-D batch norm; conv and linear take
    their sizes from ``settings``.
    """
    with torch.device("meta"):
        return _build(op, dict(settings), incoming)


def carried(expected: Step, incoming: tuple[int, ...] | None) -> Step:
    """``expected`` as it would be on an input of shape ``incoming`` (no batch): error carried forward.

    A convolution takes the channels that come in, a linear layer the features that come in; every
    step's output shape is the one it has on that input. Without an ``incoming`` shape, or if the
    expected layer cannot run on it, the step is returned with only its input changed.
    """
    if incoming is None:
        return expected
    try:
        return _carried(expected.op, expected.hyper, tuple(incoming))
    except (ValueError, RuntimeError, TypeError):
        return Step(expected.op, expected.hyper, None, expected.parameters, tuple(incoming))


@functools.lru_cache(maxsize=512)
def _carried(op: str, hyper: tuple[tuple[str, Any], ...], incoming: tuple[int, ...]) -> Step:
    settings = dict(hyper)
    if op in ("conv", "conv transpose") and incoming:
        settings["in"] = incoming[0]
    elif op == "linear" and incoming:
        settings["in"] = incoming[-1]
    module = layer(op, settings, incoming)
    steps = follow_model(nn.Sequential(module), incoming, canonical=False).steps
    if len(steps) != 1:
        raise ValueError(f"{op} is not one step")
    return steps[0]


# --- words -> layers --------------------------------------------------------------------------------


def _from_words(text: str, incoming: tuple[int, ...], n: int) -> nn.Module:
    try:
        return layer(*_parse(text), incoming)
    except (ValueError, KeyError) as exc:
        raise ValueError(f"line {n} ({text!r}) is not a step this reader knows: {exc}") from None


def _parse(text: str) -> tuple[str, dict[str, Any]]:
    """Words such as ``conv 3->2 kernel 3 padding 1`` as (op, canonical settings)."""
    if m := re.fullmatch(rf"conv (\d+)->(\d+) kernel ({_SIZE})(.*)", text):
        kernel = _size(m.group(3))
        dims = len(kernel) if len(kernel) > 1 else 2
        options = _options(m.group(4), ("stride", "padding", "dilation", "groups"), ("no bias",))
        return "conv", {
            "in": int(m.group(1)), "out": int(m.group(2)), "kernel": _dims(kernel, dims),
            "stride": _dims(options.get("stride", (1,)), dims),
            "padding": _dims(options.get("padding", (0,)), dims),
            "dilation": _dims(options.get("dilation", (1,)), dims),
            "groups": options.get("groups", (1,))[0], "bias": "no bias" not in options,
            "padding_mode": "zeros",
        }  # fmt: skip
    if m := re.fullmatch(r"linear (\d+)->(\d+)( no bias)?", text):
        return "linear", {"in": int(m.group(1)), "out": int(m.group(2)), "bias": not m.group(3)}
    if m := re.fullmatch(rf"(max|avg) pool ({_SIZE})(.*)", text):
        kernel = _dims(_size(m.group(2)), 2)
        options = _options(m.group(3), ("stride", "padding", "dilation"), ("ceil mode",))
        settings = {
            "kernel": kernel, "stride": _dims(options.get("stride", kernel), 2),
            "padding": _dims(options.get("padding", (0,)), 2), "ceil_mode": "ceil mode" in options,
        }  # fmt: skip
        if m.group(1) == "max":
            return "max pool", {**settings, "dilation": _dims(options.get("dilation", (1,)), 2)}
        return "avg pool", {**settings, "count_include_pad": True, "divisor": None}
    if m := re.fullmatch(rf"adaptive (avg|max) pool to ({_SIZE})", text):
        return f"adaptive {m.group(1)} pool", {"output": _dims(_size(m.group(2)), 2)}
    if m := re.fullmatch(r"dropout p=([0-9.]+)", text):
        return "dropout", {"p": float(m.group(1))}
    if m := re.fullmatch(r"batch norm (\d+)", text):
        return "batch norm", {"features": int(m.group(1)), "affine": True}
    if m := re.fullmatch(r"leaky relu(?: slope ([-0-9.e]+))?", text):
        return "leaky relu", {"slope": float(m.group(1) or 0.01)}
    if text in ("flatten", *_ACTIVATIONS):
        return text, {}
    raise ValueError("expected words such as 'conv 1->3 kernel 3 padding 1', 'relu', 'max pool 2', "
                     "'flatten' or 'linear 1250->1'")  # fmt: skip


def _options(text: str, sized: tuple[str, ...], flags: tuple[str, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    rest = text.strip()
    while rest:
        flag = next((f for f in flags if rest.startswith(f)), None)
        if flag is not None:
            found[flag] = True
            rest = rest[len(flag) :].strip()
            continue
        m = re.match(rf"({'|'.join(sized)}) ({_SIZE})\s*", rest)
        if m is None:
            raise ValueError(f"cannot read {rest!r}")
        found[m.group(1)] = _size(m.group(2))
        rest = rest[m.end() :]
    return found


def _size(text: str) -> tuple[int, ...]:
    return tuple(int(v) for v in text.split("x"))


def _dims(size: tuple[int, ...], dims: int) -> tuple[int, ...]:
    return size * dims if len(size) == 1 else size


# --- canonical settings -> layers -------------------------------------------------------------------


# Layer classes by the number of spatial dimensions (mypy reads each family as one type).
_CONVS: Mapping[int, type[nn.Module]] = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
_MAX_POOLS: Mapping[int, type[nn.Module]] = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}
_AVG_POOLS: Mapping[int, type[nn.Module]] = {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d}


def _build(op: str, s: dict[str, Any], incoming: tuple[int, ...] | None) -> nn.Module:
    cls: type[nn.Module]
    if op == "conv":
        cls = _CONVS[len(s["kernel"])]
        return cls(
            s["in"], s["out"], s["kernel"], stride=s["stride"], padding=s["padding"],
            dilation=s["dilation"], groups=s["groups"], bias=s["bias"], padding_mode=s["padding_mode"],
        )  # fmt: skip
    if op == "linear":
        return nn.Linear(s["in"], s["out"], bias=s["bias"])
    if op == "max pool":
        cls = _MAX_POOLS[len(s["kernel"])]
        return cls(s["kernel"], s["stride"], s["padding"], s["dilation"], ceil_mode=s["ceil_mode"])
    if op == "avg pool":
        dims = len(s["kernel"])
        extra = {"divisor_override": s.get("divisor")} if dims == 2 else {}
        cls = _AVG_POOLS[dims]
        return cls(s["kernel"], s["stride"], s["padding"], ceil_mode=s["ceil_mode"],
                   count_include_pad=s.get("count_include_pad", True), **extra)  # fmt: skip
    if op in ("adaptive avg pool", "adaptive max pool"):
        dims = len(s["output"])
        kind = "Avg" if "avg" in op else "Max"
        cls = getattr(nn, f"Adaptive{kind}Pool{dims}d")
        return cls(s["output"])
    if op == "flatten":
        return nn.Flatten()
    if op == "dropout":
        return nn.Dropout(s["p"])
    if op == "batch norm":
        cls = nn.BatchNorm1d if incoming is not None and len(incoming) <= 2 else nn.BatchNorm2d
        return cls(s["features"], affine=s.get("affine", True))
    if op == "leaky relu":
        return nn.LeakyReLU(s.get("slope", 0.01))
    if op == "elu":
        return nn.ELU(s.get("alpha", 1.0))
    if op == "gelu":
        return nn.GELU(approximate=s.get("approximate", "none"))
    if op in ("softmax", "log softmax"):
        return _ACTIVATIONS[op](dim=s.get("dim"))
    if op in _ACTIVATIONS:
        return _ACTIVATIONS[op]()
    raise ValueError(f"no torch layer for a {op} step")


def _output_shape(module: nn.Module, incoming: tuple[int, ...], n: int, words: str) -> tuple[int, ...]:
    try:
        x = torch.empty(2, *incoming, device="meta")
        with torch.no_grad():  # the shortcut keeps elementwise steps off torch's Python meta kernels
            out = shortcut("call_module", module, (x,), {})
            out = module.eval()(x) if out is None else out
    except (RuntimeError, ValueError, IndexError) as exc:
        raise ValueError(
            f"line {n} ({words}) cannot take an input of {format_shape(incoming)}: {exc}"
        ) from None
    return tuple(out.shape[1:])


def _one_per_layer(steps: list[Step], layers: list[nn.Module]) -> list[Step]:
    """The canonical steps, one per layer (a flatten of a 1-D input is no step and is skipped)."""
    return steps if len(steps) == len(layers) else []
