"""Trusted side: output shapes of the commonest steps, without running them on the meta device.

The size check runs a rebuilt model on meta tensors. On the meta device most of torch's
elementwise kernels are Python decompositions, and the first of them imports ``torch._dynamo``
(close to a second here), which is most of a cold ``cnngrader check``. For the steps below the
output's shape follows from the inputs' alone, so :func:`shortcut` gives it directly; every other
step, and any call these rules are unsure of, still runs on meta tensors.
:class:`MetaInterpreter` applies them to a ``torch.fx`` graph run on meta tensors.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, cast

import torch
import torch.fx as fx
import torch.nn.functional as F
from torch import nn

# Steps whose output has the shape (and dtype) of their first argument.
SAME_SHAPE_MODULES: tuple[type[nn.Module], ...] = (
    nn.ReLU, nn.ReLU6, nn.SiLU, nn.LeakyReLU, nn.ELU, nn.GELU, nn.Sigmoid, nn.Tanh, nn.Identity,
    nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Hardtanh, nn.SELU, nn.CELU, nn.Mish, nn.Hardswish,
    nn.Hardsigmoid, nn.Softplus,
)
SAME_SHAPE_FUNCTIONS: frozenset[Callable[..., Any]] = frozenset({
    torch.relu, torch.relu_, torch.sigmoid, torch.tanh, torch.exp, torch.abs, torch.neg,
    F.relu, F.relu6, F.leaky_relu, F.elu, F.gelu, F.silu, F.sigmoid, F.tanh,
    F.dropout, F.dropout1d, F.dropout2d, torch.dropout, operator.neg,
    # clamp(min=0) is a common ReLU: its meta kernel is a Python reference whose first use imports
    # torch._dynamo (seconds, and 70 MB a worker keeps)
    torch.clamp, torch.clamp_min, torch.clamp_max, torch.clip, F.hardtanh, F.selu, F.celu, F.mish,
    F.hardswish, F.hardsigmoid, F.softplus,
})
SAME_SHAPE_METHODS = frozenset({
    "relu", "relu_", "sigmoid", "sigmoid_", "tanh", "tanh_", "exp", "abs", "neg",
    "contiguous", "detach", "clone", "clamp", "clamp_", "clamp_min", "clamp_min_", "clamp_max",
    "clamp_max_", "clip", "clip_",
})
# Elementwise steps on two operands: the broadcast shape.
BROADCAST_FUNCTIONS: frozenset[Callable[..., Any]] = frozenset({
    torch.add, torch.sub, torch.mul, torch.div,
    operator.add, operator.sub, operator.mul, operator.truediv,
})
BROADCAST_METHODS = frozenset({"add", "sub", "mul", "div"})  # not in place: that may not broadcast
# Batch norm layers and the input dimensions each accepts (in eval mode: the output is shaped as the input).
BATCH_NORMS: Mapping[type[nn.Module], tuple[int, ...]] = {
    nn.BatchNorm1d: (2, 3), nn.BatchNorm2d: (4,), nn.BatchNorm3d: (5,),
}
ADAPTIVE_POOLS: Mapping[type[nn.Module], int] = {
    nn.AdaptiveAvgPool1d: 1, nn.AdaptiveMaxPool1d: 1, nn.AdaptiveAvgPool2d: 2, nn.AdaptiveMaxPool2d: 2,
}


def shortcut(op: str, target: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> torch.Tensor | None:
    """A meta tensor shaped like the step's output, or None if the step must run on meta tensors.

    ``op`` is the fx node's kind; ``target`` the module (for ``call_module``), function or method
    name. Shapes that cannot combine raise as the step itself would.
    """
    if op == "call_module":
        return _module(target, args, kwargs)
    if op == "call_function":
        same, broadcast = target in SAME_SHAPE_FUNCTIONS, target in BROADCAST_FUNCTIONS
        return _call(same, broadcast, target is F.linear, args, kwargs)
    if op == "call_method" and isinstance(target, str):
        return _call(target in SAME_SHAPE_METHODS, target in BROADCAST_METHODS, False, args, kwargs)
    return None


class MetaInterpreter(fx.Interpreter):
    """A ``torch.fx`` interpreter that takes the shortcuts for steps on meta tensors.

    A failing step raises its own exception: fx's "extra traceback" would append a graph dump to
    the message (which may reach a student), and builds it with torch._dynamo (seconds to import).
    """

    def __init__(self, module: torch.nn.Module) -> None:
        super().__init__(module)
        self.extra_traceback = False

    def call_module(self, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        shaped = shortcut("call_module", self.fetch_attr(target), args, kwargs)
        return super().call_module(target, args, kwargs) if shaped is None else shaped

    def call_function(self, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        shaped = shortcut("call_function", target, args, kwargs)
        return super().call_function(target, args, kwargs) if shaped is None else shaped

    def call_method(self, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        shaped = shortcut("call_method", target, args, kwargs)
        return super().call_method(target, args, kwargs) if shaped is None else shaped


def _module(module: nn.Module, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> torch.Tensor | None:
    if kwargs or len(args) != 1 or not _meta(args[0]):
        return None
    (x,) = args
    if type(module) in SAME_SHAPE_MODULES:
        return cast(torch.Tensor, x)
    if type(module) is nn.Linear:
        return _linear(x, module.weight)
    if type(module) in BATCH_NORMS:
        return _batch_norm(module, x, BATCH_NORMS[type(module)])
    dims = ADAPTIVE_POOLS.get(type(module))
    if dims is not None and not getattr(module, "return_indices", False):
        return _adaptive(x, module.output_size, dims)  # type: ignore[arg-type]
    return None


def _batch_norm(module: nn.Module, x: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor | None:
    """Eval-mode batch norm with running statistics of the input's channels and dtype (its meta
    kernel is a Python decomposition whose first use imports torch._dynamo, seconds here)."""
    stats = getattr(module, "running_mean", None)
    if module.training or not isinstance(stats, torch.Tensor) or stats.dim() != 1:
        return None
    if x.dim() not in dims or x.shape[1] != stats.shape[0] or x.dtype != stats.dtype:
        return None  # the meta kernel raises its own error
    return x


def _call(
    same: bool, broadcast: bool, linear: bool, args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> torch.Tensor | None:
    if not args or not _meta(args[0]) or any(_meta(v) for v in kwargs.values()):
        return None
    x, rest = args[0], args[1:]
    if linear and len(rest) in (1, 2) and _meta(rest[0]):
        return _linear(x, rest[0])
    if same and not any(isinstance(a, torch.Tensor) for a in rest):
        return cast(torch.Tensor, x)
    if broadcast and len(rest) == 1:
        other = rest[0]
        if isinstance(other, (int, float, bool)) or _meta(other):
            shape = torch.broadcast_shapes(x.shape, getattr(other, "shape", ()))
            return torch.empty(shape, dtype=torch.result_type(x, other), device="meta")
    return None


def _linear(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor | None:
    if x.dim() == 0 or weight.dim() != 2 or x.shape[-1] != weight.shape[1]:
        return None  # the meta kernel raises its own error
    return torch.empty((*x.shape[:-1], weight.shape[0]), dtype=x.dtype, device="meta")


def _adaptive(x: torch.Tensor, output_size: int | tuple[int | None, ...], dims: int) -> torch.Tensor | None:
    if x.dim() not in (dims + 1, dims + 2) or any(d <= 0 for d in x.shape[-dims - 1:]):
        return None  # let the meta kernel raise its own error
    sizes = (output_size,) * dims if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != dims:
        return None
    spatial = tuple(x.shape[-dims + i] if s is None else s for i, s in enumerate(sizes))
    return torch.empty((*x.shape[:-dims], *spatial), dtype=x.dtype, device="meta")


def _meta(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.device.type == "meta"
