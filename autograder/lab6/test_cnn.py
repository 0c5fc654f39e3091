"""Hidden tests of ``CNN``: the lecture's pooled CNN, judged one aspect per test.

Fair judgement, as a careful human grader would give it:

- Error carried forward: each aspect is judged against the student's own earlier choices. A Linear
  that takes the student's own flattened size is right about the Linear; a convolution is judged
  on the channels that really come into it; padding is judged for the student's own kernel. So
  one slip costs the tests about it (at most two points), not everything downstream of it.
- Equal computations are equal: steps are compared in canonical form (``cnngrader.inspect``), so
  ``conv -> max pool -> ReLU`` is ``conv -> ReLU -> max pool``, and ``ceil_mode`` or an adaptive
  pooling without effect at these sizes is plain 2x2 max pooling.
- No test passes for the absence of the thing it names.

Every figure here is the lecture's and public, so messages may show expected values.
"""

from __future__ import annotations

import difflib

import pytest
import torch
from _lab6_reference import CNN_INPUT, forward, parameter_problem, randint, reference_steps

from cnngrader.inspect import Followed, Step, first_divergence, follow_model, format_shape
from cnngrader.testing import Submission

pytestmark = pytest.mark.question("cnn")

KIND_NAMES = {"conv": "conv", "activation": "ReLU", "pool": "pool", "flatten": "flatten", "linear": "linear"}
# Kinds whose presence and number other tests judge; the order test judges only where they are.
JUDGED_ELSEWHERE = ("conv", "activation", "pool", "linear")


def expected() -> tuple[Step, ...]:
    return reference_steps("CNN")


def followed(sub: Submission) -> Followed:
    """The student's steps (canonical), even past a layer where the model fails (those have no shape)."""
    return follow_model(sub.model("CNN"), CNN_INPUT)


def of_kind(steps: tuple[Step, ...] | list[Step], *kinds: str) -> list[Step]:
    return [s for s in steps if s.kind in kinds]


def fail_if(message: str | None, context: str = "") -> None:
    if message is not None:
        raise AssertionError(f"{context}{message}")


def kind_list(steps: tuple[Step, ...] | list[Step]) -> str:
    return ", ".join(KIND_NAMES.get(s.kind, s.op) for s in steps)


@pytest.mark.points(1)
def test_output_shape(sub: Submission, rng: torch.Generator) -> None:
    """CNN() maps (N, 1, 100, 100) to (N, 1)"""
    model = sub.model("CNN").eval()  # a prediction: batch norm, if any, keeps its statistics
    for n in (1, randint(rng, 2, 4)):
        with torch.no_grad():
            out = forward(model, torch.randn(n, *CNN_INPUT, generator=rng), "CNN()(x)")
        if tuple(out.shape) != (n, 1):
            raise AssertionError(
                f"CNN()(x) with x of shape {(n, *CNN_INPUT)} returned shape {tuple(out.shape)}, "
                f"expected {(n, 1)}"
            )


@pytest.mark.points(1)
def test_layer_order(sub: Submission) -> None:
    """Layers in the lecture's order: (conv, ReLU, pool) twice, flatten, linear"""
    want, found = expected(), followed(sub).steps
    matcher = difflib.SequenceMatcher(None, [s.kind for s in want], [s.kind for s in found], autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    missing: set[str] = set()
    extra: list[Step] = []
    for tag, e0, e1, f0, f1 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            missing.update(s.kind for s in want[e0:e1])
        if tag in ("insert", "replace"):
            extra += found[f0:f1]
    lecture = kind_list(want)
    if kept < 2:
        raise AssertionError(f"found {kind_list(found) or 'no layers'}; the lecture's CNN is {lecture}")
    block = ("conv", "activation", "pool")  # the (conv, ReLU, pool) block this test puts in order
    absent = [KIND_NAMES[k] for k in block if not of_kind(found, k)]
    if len(absent) > 1:  # one kind alone has no order: the test would pass for what is not there
        raise AssertionError(
            f"the CNN has no {' and no '.join(absent)}, so there is no (conv, ReLU, pool) block to put in "
            f"the lecture's order ({lecture}); found {kind_list(found)}"
        )
    moved = [s for s in extra if s.kind in missing]  # a kind both missing in one place and extra in another
    unknown = [s for s in extra if s.kind not in JUDGED_ELSEWHERE]
    if moved or unknown or "flatten" in missing:
        what = moved[0] if moved else unknown[0] if unknown else None
        said = (
            f"{what} is not where the lecture's CNN has it"
            if moved
            else (
                f"{what} is not a layer of the lecture's CNN"
                if what is not None
                else "the flatten is missing"
            )
        )
        raise AssertionError(
            f"the layers are not in the lecture's order: {said}. Found {kind_list(found)}; "
            f"the lecture's CNN is {lecture}"
        )


@pytest.mark.points(1)
def test_convolutions(sub: Submission) -> None:
    """Convolutions 1->3 and 3->2 with 3x3 kernels and stride 1"""
    keys = ("in", "out", "kernel", "stride", "dilation", "groups", "bias")
    found = of_kind(followed(sub).steps, "conv")
    fail_if(
        first_divergence(
            of_kind(expected(), "conv"), found, label="conv", keys=keys, shapes=False, carry=True
        )
    )


@pytest.mark.points(1)
def test_padding(sub: Submission) -> None:
    """Padding 1, so each convolution keeps the height and width"""
    convs = of_kind(followed(sub).steps, "conv")
    if not convs:
        raise AssertionError("CNN has no convolution, so there is no padding to judge")
    for n, conv in enumerate(convs, 1):
        keeps = tuple(k // 2 for k in conv.get("kernel"))
        if conv.get("padding") != keeps:
            turns = f" turns {format_shape(conv.input)} into {format_shape(conv.shape)}" if conv.shape else ""
            raise AssertionError(
                f"conv {n} ({conv}){turns}. Hint: padding = kernel_size // 2 keeps the height and width "
                f"unchanged (kernel {conv.get('kernel')[0]}: padding {keeps[0]})"
            )


@pytest.mark.points(1)
def test_pooling_and_activations(sub: Submission) -> None:
    """2x2 max pooling twice, and a ReLU right after each convolution (no other activation)"""
    steps = followed(sub).steps
    pools, convs = of_kind(steps, "pool"), of_kind(steps, "conv")
    if not pools and not of_kind(steps, "activation"):
        raise AssertionError(
            "CNN has neither pooling nor activations; the lecture's CNN has a ReLU and a "
            "2x2 max pooling after each convolution"
        )
    fail_if(first_divergence(of_kind(expected(), "pool"), pools, label="pooling", shapes=False))
    fail_if(activation_problem(steps, len(convs)))


def activation_problem(steps: tuple[Step, ...], convs: int) -> str | None:
    """Where the student's activations differ from "a ReLU right after each convolution", if anywhere.

    Batch norm and dropout in between are another test's business (the order test names them).
    """
    if convs == 0:
        return "CNN has no convolution, so no ReLU after one"
    steps = tuple(s for s in steps if s.kind not in ("norm", "dropout"))
    seen_linear, n = False, 0
    for i, step in enumerate(steps):
        after = steps[i + 1] if i + 1 < len(steps) else None
        if step.kind == "conv":
            n += 1
            if after is None or after.kind != "activation":
                right_after = f"found {after} right after it" if after else "the model ends there"
                return (
                    f"conv {n} ({step}) is not followed by an activation: {right_after}. "
                    "The lecture's CNN has a ReLU right after each convolution"
                )
            if after.op != "relu":
                return f"conv {n} is followed by {after}: the lecture's CNN uses ReLU"
        elif step.kind == "activation" and (i == 0 or steps[i - 1].kind != "conv"):
            if seen_linear:
                return (
                    f"found {step} after the final Linear: the lecture's CNN outputs the Linear's numbers "
                    "as they are (a regression output has no activation)"
                )
            where = f"after {steps[i - 1]}" if i else "before the first convolution"
            return f"found {step} {where}: the lecture's CNN has activations only after its convolutions"
        seen_linear = seen_linear or step.kind == "linear"
    return None


@pytest.mark.points(1)
def test_linear(sub: Submission) -> None:
    """A final Linear to one output with bias, taking the flattened size (1250 in the lecture)"""
    found = of_kind(followed(sub).steps, "linear")
    want = of_kind(expected(), "linear")
    if [s.hyper for s in found] == [s.hyper for s in want]:
        return  # the table's own Linear: right about the Linear, whatever came before it
    fail_if(first_divergence(want, found, label="linear", shapes=False, carry=True))


@pytest.mark.points(1)
def test_step_shapes(sub: Submission) -> None:
    """Feature maps 100x100 after conv 1, 50x50 after pooling and conv 2, 25x25 after the last pooling"""
    steps = followed(sub).steps
    compared = 0
    for kind, label in (("conv", "conv"), ("pool", "pooling")):
        for n, (want, got) in enumerate(
            zip(of_kind(expected(), kind), of_kind(steps, kind), strict=False), 1
        ):
            if got.shape is None:
                continue  # the model failed before this step: the output-shape test says so
            compared += 1
            if got.shape[-2:] != want.shape[-2:]:
                raise AssertionError(
                    f"after {label} {n} ({got}) the feature maps are {format_shape(got.shape[-2:])}; "
                    f"in the lecture's CNN they are {format_shape(want.shape[-2:])} there"
                )
    if compared == 0:
        raise AssertionError("CNN has no convolution or pooling that ran on a 1x100x100 image")


@pytest.mark.points(1)
def test_parameters(sub: Submission) -> None:
    """Parameters only in the convolutions and the Linear, all used and trainable (1,337 in the lecture's)"""
    model = sub.model("CNN")
    fail_if(parameter_problem(model, follow_model(model, CNN_INPUT), expected(), "CNN()"))
