"""Trusted side: output shapes of the commonest steps, without running them on the meta device.

The size check runs a rebuilt model on meta tensors. On the meta device most of torch's
elementwise kernels are Python decompositions, and the first of them imports
``torch._dynamo`` (close to a second here); convolutions, poolings and matrix products check
their arguments with ``torch._check``, whose first use imports sympy (over a second, and 100 MB
a judge keeps). For the steps below the output's shape follows from the inputs' alone, so
:func:`shortcut` gives it directly (and a mismatch raises what torch says on the CPU); every
other step, and any call these rules are unsure of, still runs on meta tensors.
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
# Convolutions and poolings, and their number of spatial dimensions: their meta kernels call
# torch._check, whose first use imports sympy (over a second, and 100 MB a worker keeps).
CONVS: Mapping[type[nn.Module], int] = {nn.Conv1d: 1, nn.Conv2d: 2, nn.Conv3d: 3}
POOLS: Mapping[type[nn.Module], int] = {
    nn.MaxPool1d: 1, nn.MaxPool2d: 2, nn.MaxPool3d: 3, nn.AvgPool1d: 1, nn.AvgPool2d: 2, nn.AvgPool3d: 3,
}
POOL_FUNCTIONS: Mapping[Callable[..., Any], tuple[int, tuple[str, ...]]] = {
    F.max_pool1d: (1, ("kernel_size", "stride", "padding", "dilation", "ceil_mode")),
    F.max_pool2d: (2, ("kernel_size", "stride", "padding", "dilation", "ceil_mode")),
    F.avg_pool1d: (1, ("kernel_size", "stride", "padding", "ceil_mode")),
    F.avg_pool2d: (2, ("kernel_size", "stride", "padding", "ceil_mode")),
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
    if op == "call_function" and target in POOL_FUNCTIONS:
        return _pool_call(target, args, kwargs)
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
    if type(module) in CONVS:
        return _conv(module, x, CONVS[type(module)])  # type: ignore[arg-type]
    if type(module) in POOLS and not getattr(module, "return_indices", False):
        settings = {k: getattr(module, k, None) for k in ("kernel_size", "stride", "padding", "dilation")}
        return _pool(x, POOLS[type(module)], ceil=bool(module.ceil_mode), **settings)
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
            shape = _broadcast(tuple(x.shape), tuple(getattr(other, "shape", ())))
            return torch.empty(shape, dtype=torch.result_type(x, other), device="meta")
    return None


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """``torch.broadcast_shapes`` (which imports sympy on first use), raising what torch says on the CPU."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x, y = (a[-i] if i <= len(a) else 1), (b[-i] if i <= len(b) else 1)
        if x != y and 1 not in (x, y):
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {max(len(a), len(b)) - i}")
        out.append(y if x == 1 else x)
    return tuple(reversed(out))


def _linear(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor | None:
    if x.dim() == 0 or weight.dim() != 2 or x.dtype != weight.dtype:
        return None  # the meta kernel raises its own error
    if x.shape[-1] != weight.shape[1] and x.dim() == 1:
        return None
    if x.shape[-1] != weight.shape[1]:  # what torch says on the CPU (its meta kernel words it otherwise)
        rows = 1
        for d in x.shape[:-1]:
            rows *= d
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                           f"{weight.shape[1]}x{weight.shape[0]})")
    return torch.empty((*x.shape[:-1], weight.shape[0]), dtype=x.dtype, device="meta")


def _adaptive(x: torch.Tensor, output_size: int | tuple[int | None, ...], dims: int) -> torch.Tensor | None:
    if x.dim() not in (dims + 1, dims + 2) or any(d <= 0 for d in x.shape[-dims - 1:]):
        return None  # let the meta kernel raise its own error
    sizes = (output_size,) * dims if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != dims:
        return None
    spatial = tuple(x.shape[-dims + i] if s is None else s for i, s in enumerate(sizes))
    return torch.empty((*x.shape[:-dims], *spatial), dtype=x.dtype, device="meta")


def _conv(module: nn.Conv1d | nn.Conv2d | nn.Conv3d, x: torch.Tensor, dims: int) -> torch.Tensor | None:
    weight = module.weight
    if not _meta(weight) or x.dim() not in (dims + 1, dims + 2) or x.dtype != weight.dtype:
        return None
    if x.shape[-dims - 1] != weight.shape[1] * module.groups:
        return None  # the meta kernel says what does not match
    padding = 0 if module.padding == "valid" else module.padding
    if padding == "same":  # torch allows it with stride 1 only: the size is kept
        spatial: tuple[int, ...] | None = tuple(x.shape[-dims:])
    else:
        spatial = _windows(x.shape[-dims:], module.kernel_size, module.stride, padding,
                           module.dilation, ceil=False)  # fmt: skip
    if spatial is None:
        return None
    return torch.empty((*x.shape[:-dims - 1], weight.shape[0], *spatial), dtype=x.dtype, device="meta")


def _pool(
    x: torch.Tensor, dims: int, *, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil: bool
) -> torch.Tensor | None:
    if x.dim() not in (dims + 1, dims + 2):
        return None
    stride = kernel_size if stride is None or stride == [] or stride == () else stride
    spatial = _windows(x.shape[-dims:], kernel_size, stride, padding, 1 if dilation is None else dilation,
                       ceil=ceil, pool=True)  # fmt: skip
    if spatial is None:
        return None
    return torch.empty((*x.shape[:-dims], *spatial), dtype=x.dtype, device="meta")


def _pool_call(
    target: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> torch.Tensor | None:
    dims, names = POOL_FUNCTIONS[target]
    if not args or not _meta(args[0]) or len(args) - 1 > len(names):
        return None
    given = dict(zip(names, args[1:], strict=False))
    for key, value in kwargs.items():
        if key == "return_indices" and value is False:
            continue
        if key not in names or key in given:
            return None  # return_indices, count_include_pad... or a mistake: the kernel decides
        given[key] = value
    if "kernel_size" not in given:
        return None
    return _pool(args[0], dims, kernel_size=given["kernel_size"], stride=given.get("stride"),
                 padding=given.get("padding", 0), dilation=given.get("dilation", 1),
                 ceil=bool(given.get("ceil_mode", False)))  # fmt: skip


def _windows(
    sizes: Any, kernel: Any, stride: Any, padding: Any, dilation: Any, *, ceil: bool, pool: bool = False
) -> tuple[int, ...] | None:
    """Output sizes of a sliding window along each dimension (torch's formula), or None if unsure."""
    dims = len(sizes)
    settings = [_per_dim(v, dims) for v in (kernel, stride, padding, dilation)]
    if any(s is None for s in settings):
        return None
    out = []
    for size, k, s, p, d in zip(sizes, *settings, strict=True):  # type: ignore[misc]
        if k < 1 or s < 1 or p < 0 or d < 1 or (pool and 2 * p > k):  # a pooling's own rule
            return None
        span = size + 2 * p - d * (k - 1) - 1
        if span < 0:
            return None  # no window fits: the kernel raises its own error
        n = (span + (s - 1 if ceil else 0)) // s + 1
        if ceil and (n - 1) * s >= size + p:
            n -= 1  # the last window must start inside the input or its left padding
        out.append(n)
    return tuple(out)


def _per_dim(value: Any, dims: int) -> tuple[int, ...] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (value,) * dims
    if isinstance(value, (tuple, list)) and len(value) == dims and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return tuple(value)
    if isinstance(value, (tuple, list)) and len(value) == 1 and isinstance(value[0], int):
        return (value[0],) * dims
    return None


def _meta(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.device.type == "meta"
