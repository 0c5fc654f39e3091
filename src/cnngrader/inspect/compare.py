"""Where a student's model first differs from the expected one, said the way a TA would say it.

The message names the step, what was expected and what was found, what that does to the output
shape, and a hint from the lecture (padding = kernel_size // 2 keeps the size, 2x2 max pooling
halves it, AvgPool is not MaxPool, the first Linear takes channels x height x width). With
``reveal=False`` (a hidden configuration) it never states an expected hyperparameter or shape,
only which ones differ. With ``carry=True`` each expected step is first carried forward onto what
really comes into the student's step (:func:`cnngrader.inspect.layers.carried`), so a layer is
judged against the student's own earlier choices and one mistake is reported once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from cnngrader.inspect.layers import carried
from cnngrader.inspect.steps import Step, format_shape

__all__ = ["first_divergence"]

KIND_WORDS = {
    "activation": "an activation",
    "pool": "a pooling layer",
    "conv": "a convolution",
    "linear": "a linear layer",
    "flatten": "a flatten",
    "norm": "a normalisation layer",
    "dropout": "a dropout layer",
}

_NAMES = {
    ("conv", "in"): "in_channels",
    ("conv", "out"): "out_channels",
    ("linear", "in"): "in_features",
    ("linear", "out"): "out_features",
    ("conv", "kernel"): "kernel size",
}


@dataclass(frozen=True)
class _Rules:
    """What counts as "the same step" in one comparison, and how the message may speak."""

    by_kind: bool
    keys: frozenset[str] | None
    shapes: bool
    reveal: bool
    label: str = "step"

    def same(self, a: Step, b: Step) -> bool:
        if self.by_kind:
            return a.kind == b.kind
        if a.op != b.op:
            return False
        if self.keys is not None:
            return all(a.get(k) == b.get(k) for k in self.keys)
        if not a.same_operation(b):
            return False
        return not self.shapes or a.shape is None or b.shape is None or a.shape == b.shape

    def expected_text(self, step: Step) -> str:
        if self.by_kind:
            word = KIND_WORDS.get(step.kind, f"a {step.op}")
            return f"{word} ({step})" if self.reveal and step.kind in KIND_WORDS else word
        return str(step) if self.reveal else step.op


def first_divergence(
    expected: Sequence[Step],
    found: Sequence[Step],
    *,
    label: str = "step",
    reveal: bool = True,
    by: str = "operation",
    keys: Collection[str] | None = None,
    shapes: bool = True,
    start: int = 1,
    carry: bool = False,
) -> str | None:
    """None if the steps agree; else a message about the first step that differs.

    ``label`` names steps in the message ("step 4", or "conv 2" for a list of convolutions),
    numbered from ``start``.
    ``by="kind"`` compares only what each step is (conv, activation, pool, flatten, linear...);
    ``keys`` restricts the comparison to those hyperparameters; ``shapes=False`` ignores output
    shapes. ``reveal=False`` keeps expected hyperparameters and shapes out of the message.
    ``carry=True``: error carried forward, each expected step taken on the student's own input to
    that step (in_channels, in_features and output shapes follow from the student's earlier steps).
    """
    if by not in ("operation", "kind"):
        raise ValueError(f"by must be 'operation' or 'kind', not {by!r}")
    if carry:
        expected = [
            carried(step, found[i].input) if i < len(found) else step for i, step in enumerate(expected)
        ]
    rules = _Rules(by == "kind", frozenset(keys) if keys is not None else None, shapes, reveal, label)
    for i in range(max(len(expected), len(found))):
        if i < len(expected) and i < len(found) and rules.same(expected[i], found[i]):
            continue
        return _explain(i, expected, found, f"{label} {i + start}", rules)
    return None


def _explain(i: int, expected: Sequence[Step], found: Sequence[Step], where: str, rules: _Rules) -> str:
    exp = expected[i] if i < len(expected) else None
    got = found[i] if i < len(found) else None
    if got is None:
        assert exp is not None
        if rules.label == "step":
            ends = f"found nothing more (the model ends after {len(found)} steps)"
        else:
            ends = f"found none (the model has {_count(len(found), rules.label)})"
        return f"{where}: expected {rules.expected_text(exp)}, {ends} — is {_word(exp)} missing?"
    if exp is None:
        last = "step" if rules.label == "step" else "one"
        return f"{where}: found {got} after the last expected {last} — is this {got.op} extra?"
    if exp.op == got.op and not rules.by_kind:
        return _different_settings(i, expected, got, where, rules.reveal)
    said = f"{where}: expected {rules.expected_text(exp)}, found {got}"
    # Missing or extra only where the counts say so: a step replaced by another is neither.
    if len(found) < len(expected) and _matches(rules.same, expected, i + 1, found, i):
        return f"{said} — is {_word(exp)} missing?"
    if len(found) > len(expected) and _matches(rules.same, expected, i, found, i + 1):
        return f"{said} — is this {got.op} extra?"
    return _with_hint(said, _swap_hint(exp, got))


def _different_settings(i: int, expected: Sequence[Step], got: Step, where: str, reveal: bool) -> str:
    exp = expected[i]
    differing = [name for name, value in exp.hyper if got.get(name) != value]
    if not differing:  # same layer, other shape: only a different input can do that
        shape = f" instead of {format_shape(exp.shape)}" if reveal else ""
        return f"{where}: {got} gives an output of {format_shape(got.shape)}{shape}"
    previous = got.input if got.input is not None else expected[i - 1].shape if i > 0 else None
    if reveal:
        said = f"{where}: expected {exp}, found {got}"
        if got.shape is not None and exp.shape is not None and got.shape != exp.shape:
            said += f" -> output {format_shape(got.shape)} instead of {format_shape(exp.shape)}"
    else:
        names = [_NAMES.get((got.op, name), name.replace("_", " ")) for name in differing]
        verb = "is" if len(names) == 1 else "are"
        said = f"{where}: {got}: its {_join(names)} {verb} not what this model needs"
    return _with_hint(said, _settings_hint(exp, differing, previous if reveal else None))


def _matches(
    same: Callable[[Step, Step], bool], expected: Sequence[Step], i: int, found: Sequence[Step], j: int
) -> bool:
    return i < len(expected) and j < len(found) and same(expected[i], found[j])


def _settings_hint(exp: Step, differing: list[str], previous: tuple[int, ...] | None) -> str:
    """A lecture fact that explains the hyperparameter that differs."""
    if exp.op == "linear" and "in" in differing:
        base = "in_features of the first Linear = channels x height x width after flattening"
        if previous and len(previous) > 1:
            return f"{base} ({' x '.join(map(str, previous))} = {math.prod(previous)})"
        return f"{base}; the size coming in here is {previous[0]}" if previous else base
    if exp.op == "conv" and "in" in differing:
        return (
            "in_channels must equal the channels coming in: the image's, or the previous conv's out_channels"
        )
    if exp.op == "conv" and "out" in differing:
        return "out_channels is the number of filters, and so the number of output channels"
    if exp.op == "max pool" and {"kernel", "stride"} & set(differing):
        return "2x2 max pooling with stride 2 halves the height and the width"
    if exp.op == "linear" and "out" in differing:
        return "out_features is the size of this layer's output"
    hints = {
        "padding": "padding = kernel_size // 2 keeps the height and width unchanged (kernel 3: padding 1)",
        "kernel": "each spatial size becomes (size + 2 x padding - kernel) // stride + 1",
        "stride": "each spatial size becomes (size + 2 x padding - kernel) // stride + 1",
        "bias": "layers have a bias unless bias=False is given; keep the default",
    }
    return next((hints[name] for name in differing if name in hints), "")


def _swap_hint(exp: Step, got: Step) -> str:
    if {exp.op, got.op} == {"max pool", "avg pool"}:
        return (
            "AvgPool is not MaxPool: max pooling keeps the largest value of each window, "
            "average pooling their mean"
        )
    if exp.kind == "activation" and got.kind == "activation":
        return f"this step should be {exp.op}, not {got.op}"
    if exp.kind == "flatten":
        return "flatten the feature maps (N, C, H, W) into (N, C x H x W) before the first Linear"
    return ""


def _with_hint(message: str, hint: str) -> str:
    return f"{message}. Hint: {hint}" if hint else message


def _word(step: Step) -> str:
    return KIND_WORDS.get(step.kind, f"a {step.op}")


def _count(n: int, label: str) -> str:
    return f"{n} {label}" + ("" if n == 1 else "s")


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
