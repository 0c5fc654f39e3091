"""Canonical names and hyperparameters of graph nodes: every spelling of a layer becomes one step.

``nn.ReLU()``, ``F.relu``, ``torch.relu`` and ``x.relu()`` are all ``relu``; ``nn.Flatten()``,
``torch.flatten(x, 1)``, ``x.view(x.size(0), -1)`` and ``x.view(-1, 1250)`` are all ``flatten``
(judged by the shapes they produce); ``MaxPool2d(2)``, ``MaxPool2d((2, 2))`` and
``F.max_pool2d(x, 2)`` are all ``max pool`` with kernel and stride ``(2, 2)``; ``padding='same'``
is the number it pads; ``F.conv2d`` / ``F.linear`` with the model's own weights are the layer.
Nodes that compute nothing (sizes, shape lookups, ``Identity``, ``contiguous``) are no step.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from typing import Any

import torch
import torch.fx as fx
from torch import nn

from cnngrader.inspect import hyper, spellings
from cnngrader.inspect.hyper import Hyper

Fields = tuple[str, Hyper, tuple[int, ...] | None, int, tuple[int, ...] | None]


class Env:
    """What a node's arguments were: the values of the run, or what can be known without it.

    Nodes after the point where a failing model stopped have no value; their layers still have
    hyperparameters (a module's settings, a function's constant arguments, the model's weights).
    """

    def __init__(self, values: Mapping[fx.Node, Any], root: fx.GraphModule) -> None:
        self.values = values
        self.root = root

    def ran(self, node: fx.Node) -> bool:
        return node in self.values

    def value(self, arg: Any) -> Any:
        if isinstance(arg, fx.Node):
            if arg in self.values:
                return self.values[arg]
            return _fetch(self.root, str(arg.target)) if arg.op == "get_attr" else None
        if isinstance(arg, (tuple, list)):
            return type(arg)(self.value(a) for a in arg)
        return arg


def _fetch(root: nn.Module, target: str) -> Any:
    value: Any = root
    for part in target.split("."):
        value = getattr(value, part, None)
    return value


def step_fields(node: fx.Node, env: Env) -> Fields | None:
    """(op, hyperparameters, full output shape or None if not run, parameter count, full input shape
    or None), or None if the node is no step."""
    if node.op not in ("call_module", "call_function", "call_method"):
        return None
    out = _first_tensor(env.value(node)) if env.ran(node) else None
    if env.ran(node):
        if out is None:
            return None  # sizes, shape lookups, len(): arithmetic on shapes is no step
        if node.target is operator.getitem and not isinstance(env.value(node.args[0]), torch.Tensor):
            return None  # picking one result out of a tuple: the op that made the tuple was the step
    elif not _known_tensor_op(node):
        return None
    inp = _input_tensor(node, env)
    out_shape = tuple(out.shape) if out is not None else None
    if node.op == "call_module":
        module = env.root.get_submodule(str(node.target))
        named = _module_step(module, inp, out)
        params = sum(p.numel() for p in module.parameters())
    else:
        named = _function_step(node, env, inp, out)
        params = sum(v.numel() for v in map(env.value, node.all_input_nodes) if isinstance(v, nn.Parameter))
    if named is None:
        return None
    return named[0], named[1], out_shape, params, tuple(inp.shape) if inp is not None else None


def _known_tensor_op(node: fx.Node) -> bool:
    """Whether a node the run never reached is a layer or tensor operation we know (not shape arithmetic)."""
    if node.op == "call_module":
        return True
    if node.op == "call_method":
        return str(node.target) in spellings.METHODS
    return spellings.function_op(node.target) is not None


def _module_step(
    m: nn.Module, inp: torch.Tensor | None, out: torch.Tensor | None
) -> tuple[str, Hyper] | None:
    if isinstance(m, nn.Identity):
        return None
    if isinstance(m, nn.modules.conv._ConvNd):
        return _conv_module(m)
    if isinstance(m, nn.Linear):
        return "linear", (("in", m.in_features), ("out", m.out_features), ("bias", m.bias is not None))
    if isinstance(m, (nn.Flatten, nn.Unflatten)):
        if out is None:  # not reached: nn.Flatten() with its defaults is the flatten of the lecture
            plain = isinstance(m, nn.Flatten) and m.start_dim == 1 and m.end_dim == -1
            return ("flatten", ()) if plain else ("reshape", (("to", None),))
        return _reshape(inp, out)
    for layer, op in spellings.ACTIVATION_LAYERS:
        if isinstance(m, layer):
            return op, hyper.activation(op, vars(m))
    return _pool_module(m) or _other_module(m)


def _conv_module(m: nn.modules.conv._ConvNd) -> tuple[str, Hyper]:
    shape = tuple(m.weight.shape)
    if m.transposed:  # weights (in, out / groups, k...): read them as a conv's (out, in / groups, k...)
        shape = (shape[1] * m.groups, shape[0] // m.groups, *shape[2:])
    op = "conv transpose" if m.transposed else "conv"
    return op, hyper.conv(
        shape, m.groups, m.stride, m.padding, m.dilation, m.bias is not None, m.padding_mode
    )


def _pool_module(m: nn.Module) -> tuple[str, Hyper] | None:
    if isinstance(m, nn.modules.pooling._MaxPoolNd):
        dims = _spatial(m)
        return "max pool", hyper.max_pool(dims, m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode)
    if isinstance(m, nn.modules.pooling._AvgPoolNd):
        dims = _spatial(m)
        return "avg pool", hyper.avg_pool(
            dims, m.kernel_size, m.stride, m.padding, bool(m.ceil_mode),
            bool(getattr(m, "count_include_pad", True)), getattr(m, "divisor_override", None),
        )  # fmt: skip
    if isinstance(m, nn.modules.pooling._AdaptiveAvgPoolNd):
        return "adaptive avg pool", (("output", hyper.as_tuple(m.output_size, _spatial(m))),)
    if isinstance(m, nn.modules.pooling._AdaptiveMaxPoolNd):
        return "adaptive max pool", (("output", hyper.as_tuple(m.output_size, _spatial(m))),)
    return None


def _spatial(m: nn.Module) -> int:
    """1, 2 or 3: how many spatial dimensions a pooling layer works on (from its class name)."""
    name = type(m).__name__
    return int(name[-2]) if name[-1] == "d" and name[-2].isdigit() else 2


def _other_module(m: nn.Module) -> tuple[str, Hyper]:
    if isinstance(m, nn.modules.batchnorm._BatchNorm):
        return "batch norm", (("features", m.num_features), ("affine", m.affine))
    if isinstance(m, nn.modules.dropout._DropoutNd):
        return "dropout", (("p", float(m.p)),)
    if isinstance(m, nn.LayerNorm):
        return "layer norm", (("shape", tuple(m.normalized_shape)), ("affine", m.elementwise_affine))
    if isinstance(m, nn.GroupNorm):
        return "group norm", (("groups", m.num_groups), ("channels", m.num_channels))
    extra = m.extra_repr()
    return type(m).__name__.lower(), ((("config", extra),) if extra else ())


def _function_step(
    node: fx.Node, env: Env, inp: torch.Tensor | None, out: torch.Tensor | None
) -> tuple[str, Hyper] | None:
    if node.op == "call_method":
        name = str(node.target)
        if name in spellings.NOOP_METHODS:
            return None
        op = spellings.METHODS.get(name, name)
    else:
        op = spellings.function_op(node.target) or _callable_name(node.target)
    args = _bind(op, node, env)
    if op == "reshape":
        return _reshape(inp, out) if out is not None else _static_reshape(node, args)
    if op in ("conv", "linear", "max pool", "avg pool", "adaptive avg pool", "adaptive max pool"):
        return _functional_layer(op, args, inp)
    if op in ("mean", "amax"):
        return _reduction(op, args, inp)
    if op == "dropout":
        return op, (("p", float(args.get("p", 0.5))),)
    if op == "pad":
        return op, _pad(args)
    if op == "clamp":
        return _clamp(args)
    if op == "batch norm":
        mean, weight = args.get("running_mean"), args.get("weight")
        features = (
            mean.numel() if isinstance(mean, torch.Tensor) else inp.shape[1] if inp is not None else None
        )
        return op, (("features", features), ("affine", weight is not None))
    if op in spellings.ACTIVATIONS:
        return op, hyper.activation(op, args)
    return op, ()


def _functional_layer(op: str, args: Mapping[str, Any], inp: torch.Tensor | None) -> tuple[str, Hyper]:
    dims = inp.dim() - 2 if inp is not None else 2
    if op in ("conv", "linear") and not isinstance(args.get("weight"), torch.Tensor):
        return op, ()  # weights computed by an operation the run never reached: nothing to read
    if op == "conv":
        return op, hyper.conv(
            tuple(args["weight"].shape), args.get("groups", 1), args.get("stride", 1),
            args.get("padding", 0), args.get("dilation", 1), args.get("bias") is not None,
        )  # fmt: skip
    if op == "linear":
        out_f, in_f = args["weight"].shape
        return op, (("in", in_f), ("out", out_f), ("bias", args.get("bias") is not None))
    if op == "max pool":
        return op, hyper.max_pool(
            dims, args["kernel_size"], args.get("stride"), args.get("padding", 0),
            args.get("dilation", 1), args.get("ceil_mode", False),
        )  # fmt: skip
    if op == "avg pool":
        return op, hyper.avg_pool(
            dims, args["kernel_size"], args.get("stride"), args.get("padding", 0),
            args.get("ceil_mode", False), args.get("count_include_pad", True), args.get("divisor_override"),
        )  # fmt: skip
    return op, (("output", hyper.as_tuple(args["output_size"], dims)),)


def _pad(args: Mapping[str, Any]) -> Hyper:
    """``F.pad``: the amounts (last dimension first, as torch takes them), the mode and the fill value."""
    pad = args.get("pad")
    amounts = tuple(int(v) for v in pad) if isinstance(pad, (tuple, list)) else pad
    value = args.get("value")
    return (("pad", amounts), ("mode", args.get("mode", "constant")), ("value", float(value or 0.0)))


def _clamp(args: Mapping[str, Any]) -> tuple[str, Hyper]:
    """``x.clamp(min=0)`` keeps the positive part: it is a ReLU, however it is spelled."""
    low, high = args.get("min"), args.get("max")
    if isinstance(low, (int, float)) and not isinstance(low, bool) and low == 0 and high is None:
        return "relu", ()
    return "clamp", (("min", low), ("max", high))


def _reduction(op: str, args: Mapping[str, Any], inp: torch.Tensor | None) -> tuple[str, Hyper]:
    """``x.mean((2, 3))`` over every spatial dimension is global average pooling (amax: max)."""
    dim = args.get("dim")
    if inp is not None and inp.dim() > 2 and dim is not None:
        dims = {d % inp.dim() for d in ((dim,) if isinstance(dim, int) else dim)}
        if dims == set(range(2, inp.dim())):
            return ("global avg pool" if op == "mean" else "global max pool"), ()
    return op, (("dim", dim),)


def _reshape(inp: torch.Tensor | None, out: torch.Tensor) -> tuple[str, Hyper] | None:
    """Every view/reshape/flatten/squeeze judged by what it does: (N, ...) -> (N, rest) is a flatten."""
    if inp is None or tuple(inp.shape) == tuple(out.shape):
        return None
    before, after = tuple(inp.shape), tuple(out.shape)
    if len(before) > 2 and after == (before[0], math.prod(before[1:])):
        return "flatten", ()
    shown = after[1:] if after and before and after[0] == before[0] else after
    return "reshape", (("to", shown),)


def _static_reshape(node: fx.Node, args: Mapping[str, Any]) -> tuple[str, Hyper]:
    """A flatten the run never reached, told by its arguments: flatten(x, 1), x.view(n, -1)..."""
    name = node.target if node.op == "call_method" else getattr(node.target, "__name__", "")
    if name == "flatten":
        if args.get("start_dim", 0) == 1 and args.get("end_dim", -1) == -1:
            return "flatten", ()
    elif name in ("view", "reshape"):
        sizes = node.args[1:]
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        if len(sizes) == 2 and -1 in sizes:
            return "flatten", ()
    return "reshape", (("to", None),)


def _bind(op: str, node: fx.Node, env: Env) -> dict[str, Any]:
    """Arguments by parameter name, graph nodes replaced by the values they had in the run."""
    names = spellings.SIGNATURES.get(op, ())
    if op == "reshape" and str(getattr(node.target, "__name__", node.target)) == "flatten":
        names = ("input", "start_dim", "end_dim")
    bound = {name: env.value(arg) for name, arg in zip(names, node.args, strict=False)}
    bound.update({k: env.value(v) for k, v in node.kwargs.items()})
    if "dims" in bound and "dim" not in bound:
        bound["dim"] = bound["dims"]
    return bound


def _input_tensor(node: fx.Node, env: Env) -> torch.Tensor | None:
    """The first tensor a node consumed that is not a weight: its input feature map."""
    for arg in node.all_input_nodes:
        value = env.values.get(arg)
        if isinstance(value, torch.Tensor) and not isinstance(value, nn.Parameter) and arg.op != "get_attr":
            return value
    return None


def _first_tensor(value: Any) -> torch.Tensor | None:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], torch.Tensor):
        return value[0]
    return None


def _callable_name(target: Any) -> str:
    name = str(getattr(target, "__name__", target)).strip("_").replace("_", " ")
    return "index" if name == "getitem" else name
