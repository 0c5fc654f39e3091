"""A model as the canonical sequence of operations it computes: what graders compare.

Two models are "the same" when their steps are equal, however they were spelled (module or
functional, ``Sequential`` or attributes, ``view`` or ``flatten``...) and in whichever of the
orders that compute the same function (ReLU after or before a max pooling...): see ``canon.py``
for the spellings, ``equivalence.py`` for the orders and options, and ``trace.py`` for how a
model is followed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from cnngrader.inspect import canon, equivalence, spellings, trace, words
from cnngrader.rebuild.copies import memoized
from cnngrader.rebuild.verify import confirm
from cnngrader.testing import StudentError

__all__ = ["KINDS", "Followed", "Step", "follow_model", "format_shape", "model_steps", "total_parameters"]

# What each canonical operation is, for rules such as "at least one pooling operation".
KINDS: dict[str, str] = {
    "conv": "conv",
    "conv transpose": "conv",
    "linear": "linear",
    "max pool": "pool",
    "avg pool": "pool",
    "adaptive avg pool": "pool",
    "adaptive max pool": "pool",
    "global avg pool": "pool",
    "global max pool": "pool",
    "flatten": "flatten",
    "reshape": "reshape",
    "batch norm": "norm",
    "layer norm": "norm",
    "group norm": "norm",
    "dropout": "dropout",
    **{name: "activation" for name in spellings.ACTIVATIONS},
}

BATCH = 2  # big enough that batch norm and "is the batch kept?" both make sense, small to be cheap


@dataclass(frozen=True)
class Step:
    """One operation: its canonical name, hyperparameters, output shape (no batch) and parameters.

    ``input`` is the shape that came into the step (no batch), None where the run never got there.
    """

    op: str
    hyper: tuple[tuple[str, Any], ...] = ()
    shape: tuple[int, ...] | None = ()  # None: the run never got here (the model failed before)
    parameters: int = 0
    input: tuple[int, ...] | None = None

    @property
    def kind(self) -> str:
        """conv, linear, pool, activation, flatten, reshape, norm, dropout or other."""
        return KINDS.get(self.op, "other")

    def get(self, name: str, default: Any = None) -> Any:
        return dict(self.hyper).get(name, default)

    def same_operation(self, other: Step) -> bool:
        """Same op and hyperparameters (the output shape then follows from the input)."""
        return self.op == other.op and self.hyper == other.hyper

    def settings(self) -> str:
        """The hyperparameters in words, e.g. ``3->2 kernel 3 padding 1`` (empty for a plain relu)."""
        return words.settings_text(self.op, dict(self.hyper))

    def describe(self) -> str:
        """The step in words, e.g. ``conv 3->2 kernel 3 padding 1``."""
        return f"{self.op} {self.settings()}".strip()

    def __str__(self) -> str:
        return self.describe()


def format_shape(shape: Sequence[int] | None) -> str:
    """``(2, 50, 50)`` as ``2x50x50``, the way the lecture writes feature maps (``?`` if unknown)."""
    if shape is None:
        return "?"
    return "x".join(str(d) for d in shape) if shape else "a single number"


@dataclass(frozen=True)
class Followed:
    """The steps of a model, and why its run stopped early if it did (later steps have no shape).

    ``unused`` names the parameters that forward never uses: a layer forward does not reach is not
    part of the network, and is counted by no step.
    """

    steps: tuple[Step, ...]
    error: str | None = None
    unused: tuple[str, ...] = ()


def follow_model(
    model: torch.nn.Module, input_shape: tuple[int, ...], *, canonical: bool = True
) -> Followed:
    """Trace ``model`` and run it once on a batch of two inputs of ``input_shape`` (no batch dimension).

    Works on a live module and on a rebuilt ``torch.fx.GraphModule``. The run is in eval mode and
    without gradients; the model's mode is restored afterwards. If the model fails at some layer,
    the steps after it keep their hyperparameters but have ``shape=None``, and ``error`` says where.
    Raises ``StudentError`` only if the model cannot be traced at all.

    With ``canonical`` (the default) steps that compute the same function on these inputs are
    written one way (:func:`cnngrader.inspect.equivalence.canonical`): a ReLU after a max pooling
    comes before it, ``ceil_mode`` without effect is off, and so on. ``canonical=False`` keeps the
    steps as the model wrote them (for tables a student reads).
    """
    shape = tuple(input_shape)
    return memoized(model, ("follow", shape, canonical), lambda: _follow(model, shape, canonical))


def _follow(model: torch.nn.Module, input_shape: tuple[int, ...], canonical: bool) -> Followed:
    traced = trace.trace(model, callable_=False)
    example = _example_input(model, input_shape)
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            values, error = trace.run(traced, example)
            # A rebuilt model confirms here that these steps are what the student's forward computes.
            confirm(model, example, runs=error is None)
    finally:
        model.train(was_training)
    env = canon.Env(values, traced)
    steps = []
    for node in traced.graph.nodes:
        made = canon.step_fields(node, env)
        if made is not None:
            op, hyper, out, parameters, given = made
            steps.append(Step(op, hyper, _without_batch(out), parameters, _without_batch(given)))
    written = tuple(steps)
    return Followed(equivalence.canonical(written) if canonical else written, error, _unused(model, traced))


def model_steps(
    model: torch.nn.Module, input_shape: tuple[int, ...], *, canonical: bool = True
) -> list[Step]:
    """The canonical steps of ``model`` on inputs of ``input_shape`` (without the batch dimension).

    Like :func:`follow_model`, but a model that fails on such an input raises ``StudentError``
    saying at which layer.
    """
    followed = follow_model(model, input_shape, canonical=canonical)
    if followed.error is not None:
        raise StudentError(followed.error)
    return list(followed.steps)


def total_parameters(
    model: torch.nn.Module, *, trainable_only: bool = False, used_only: bool = False
) -> int:
    """Every parameter of the model counted once (shared layers too), as torch-summary totals do.

    ``used_only``: only the parameters that forward uses (what torch-summary's table lists); a
    layer that forward never reaches is not part of the network.
    """
    unused = set(_unused(model)) if used_only else set()
    return sum(
        p.numel()
        for name, p in model.named_parameters()
        if (p.requires_grad or not trainable_only) and name not in unused
    )


def _unused(model: torch.nn.Module, traced: torch.fx.GraphModule | None = None) -> tuple[str, ...]:
    """Names of ``model``'s parameters that the traced forward never refers to."""
    if traced is None:
        return memoized(model, "unused", lambda: _unused(model, trace.trace(model, callable_=False)))
    used = {id(p) for p in traced.parameters()}  # a GraphModule keeps only what its graph uses
    return tuple(name for name, p in model.named_parameters() if id(p) not in used)


def _example_input(model: torch.nn.Module, input_shape: tuple[int, ...]) -> torch.Tensor:
    tensors = list(_own_tensors(model))
    device = tensors[0].device if tensors else torch.device("cpu")
    if device.type == "meta":  # reference models live on "meta": shapes without any arithmetic
        return torch.empty(BATCH, *input_shape, device=device)
    generator = torch.Generator().manual_seed(0)
    return torch.randn(BATCH, *input_shape, generator=generator).to(device)


def _own_tensors(model: torch.nn.Module) -> Iterator[torch.Tensor]:
    """The parameters and buffers of ``model`` and its submodules, read from the modules' own
    dictionaries rather than through ``parameters()``: a notebook that replaced those methods (a
    hostile one) must not turn a reference model's meta input into a CPU one, whose mixed-device
    steps fall back to kernels that import torch._dynamo (over a second in a check cell)."""
    stack, seen = [model], set()
    while stack:
        module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        own = vars(module)
        for kind in ("_parameters", "_buffers"):
            yield from (t for t in own.get(kind, {}).values() if isinstance(t, torch.Tensor))
        stack.extend(m for m in own.get("_modules", {}).values() if isinstance(m, torch.nn.Module))


def _without_batch(shape: tuple[int, ...] | None) -> tuple[int, ...] | None:
    if shape and shape[0] == BATCH:
        return shape[1:]
    return shape  # the batch was folded away (e.g. x.view(-1)): show the whole shape
