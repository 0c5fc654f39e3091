"""Trusted side: the only layers, functions, methods and attributes a rebuilt model may use.

A name from a child is looked up here, never resolved by import or ``getattr`` on a module, so
a description can only ever produce calls to the objects listed below.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.confine.shared.naming import function_name

Check = Callable[[Any], bool]
MAX_SIZE = 2**31 - 1


# --- checks of layer settings ---------------------------------------------------------------


def _int(lo: int = 0, hi: int = MAX_SIZE) -> Check:
    return lambda v: type(v) is int and lo <= v <= hi


def _ints(n: int, lo: int = 0) -> Check:
    one = _int(lo)
    return lambda v: one(v) or (isinstance(v, (tuple, list)) and len(v) == n and all(one(x) for x in v))


def _output_size(n: int) -> Check:
    one = _int(1)
    return lambda v: one(v) or (isinstance(v, (tuple, list)) and len(v) == n
                                and all(x is None or one(x) for x in v))


def _padding(n: int) -> Check:
    return lambda v: v in ("same", "valid") or _ints(n)(v)


def _float(lo: float = -math.inf, hi: float = math.inf) -> Check:
    return lambda v: type(v) in (int, float) and math.isfinite(v) and lo <= v <= hi


def _optional(check: Check) -> Check:
    return lambda v: v is None or check(v)


def _choice(*values: Any) -> Check:
    return lambda v: isinstance(v, str) and v in values


def _boolean(v: Any) -> bool:
    return type(v) is bool


def _dim(v: Any) -> bool:
    return type(v) is int and -MAX_SIZE <= v <= MAX_SIZE


def _sizes(v: Any) -> bool:
    return isinstance(v, (tuple, list)) and 0 < len(v) <= 8 and all(_dim(x) for x in v)


@dataclass(frozen=True)
class LayerRule:
    """A supported layer class and the settings its constructor may receive."""

    cls: type[nn.Module]
    settings: Mapping[str, Check]

    @property
    def key(self) -> str:
        return f"{self.cls.__module__}.{self.cls.__qualname__}"


def _conv(cls: type[nn.Module], n: int) -> LayerRule:
    return LayerRule(cls, {
        "in_channels": _int(1), "out_channels": _int(1), "kernel_size": _ints(n, 1),
        "stride": _ints(n, 1), "padding": _padding(n), "dilation": _ints(n, 1), "groups": _int(1),
        "bias": _boolean, "padding_mode": _choice("zeros", "reflect", "replicate", "circular"),
    })


def _max_pool(cls: type[nn.Module], n: int) -> LayerRule:
    return LayerRule(cls, {
        "kernel_size": _ints(n, 1), "stride": _optional(_ints(n, 1)), "padding": _ints(n),
        "dilation": _ints(n, 1), "return_indices": _boolean, "ceil_mode": _boolean,
    })


def _avg_pool(cls: type[nn.Module], n: int) -> LayerRule:
    settings = {"kernel_size": _ints(n, 1), "stride": _optional(_ints(n, 1)), "padding": _ints(n),
                "ceil_mode": _boolean, "count_include_pad": _boolean}
    if n == 2:
        settings["divisor_override"] = _optional(_int(1))
    return LayerRule(cls, settings)


def _batch_norm(cls: type[nn.Module]) -> LayerRule:
    return LayerRule(cls, {
        "num_features": _int(1), "eps": _float(0), "momentum": _optional(_float(0, 1)),
        "affine": _boolean, "track_running_stats": _boolean, "bias": _boolean,
    })


_INPLACE = {"inplace": _boolean}
_DROPOUT = {"p": _float(0, 1), "inplace": _boolean}

LAYER_RULES = (
    _conv(nn.Conv1d, 1), _conv(nn.Conv2d, 2),
    _max_pool(nn.MaxPool1d, 1), _max_pool(nn.MaxPool2d, 2),
    _avg_pool(nn.AvgPool1d, 1), _avg_pool(nn.AvgPool2d, 2),
    LayerRule(nn.AdaptiveAvgPool1d, {"output_size": _output_size(1)}),
    LayerRule(nn.AdaptiveAvgPool2d, {"output_size": _output_size(2)}),
    LayerRule(nn.AdaptiveMaxPool1d, {"output_size": _output_size(1), "return_indices": _boolean}),
    LayerRule(nn.AdaptiveMaxPool2d, {"output_size": _output_size(2), "return_indices": _boolean}),
    LayerRule(nn.Linear, {"in_features": _int(1), "out_features": _int(1), "bias": _boolean}),
    LayerRule(nn.ReLU, _INPLACE), LayerRule(nn.ReLU6, _INPLACE), LayerRule(nn.SiLU, _INPLACE),
    LayerRule(nn.LeakyReLU, {"negative_slope": _float(), **_INPLACE}),
    LayerRule(nn.ELU, {"alpha": _float(), **_INPLACE}),
    LayerRule(nn.GELU, {"approximate": _choice("none", "tanh")}),
    LayerRule(nn.Sigmoid, {}), LayerRule(nn.Tanh, {}), LayerRule(nn.Identity, {}),
    LayerRule(nn.Softmax, {"dim": _optional(_dim)}), LayerRule(nn.LogSoftmax, {"dim": _optional(_dim)}),
    LayerRule(nn.Flatten, {"start_dim": _dim, "end_dim": _dim}),
    LayerRule(nn.Unflatten, {"dim": _dim, "unflattened_size": _sizes}),
    _batch_norm(nn.BatchNorm1d), _batch_norm(nn.BatchNorm2d),
    LayerRule(nn.Dropout, _DROPOUT), LayerRule(nn.Dropout1d, _DROPOUT), LayerRule(nn.Dropout2d, _DROPOUT),
)
LAYERS: Mapping[str, LayerRule] = MappingProxyType({rule.key: rule for rule in LAYER_RULES})


# --- functions, methods and attributes ------------------------------------------------------

_FUNCTIONS: tuple[Callable[..., Any], ...] = (
    # torch
    torch.relu, torch.relu_, torch.sigmoid, torch.tanh, torch.flatten, torch.cat, torch.concat,
    torch.stack, torch.add, torch.sub, torch.mul, torch.div, torch.matmul, torch.mean, torch.sum,
    torch.amax, torch.max, torch.squeeze, torch.unsqueeze, torch.reshape, torch.transpose,
    torch.permute, torch.softmax, torch.log_softmax, torch.clamp, torch.exp, torch.abs, torch.neg,
    torch.conv1d, torch.conv2d, torch.max_pool1d, torch.max_pool2d, torch.avg_pool1d,
    torch.adaptive_avg_pool1d, torch.adaptive_max_pool1d, torch.batch_norm, torch.dropout,
    # torch.nn.functional
    F.linear, F.relu, F.relu6, F.leaky_relu, F.elu, F.gelu, F.silu, F.sigmoid, F.tanh, F.softmax,
    F.log_softmax, F.max_pool1d, F.max_pool2d, F.avg_pool1d, F.avg_pool2d, F.adaptive_avg_pool1d,
    F.adaptive_avg_pool2d, F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.dropout, F.dropout1d,
    F.dropout2d, F.batch_norm, F.conv1d, F.conv2d, F.pad,
    # operators and builtins
    operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.getitem,
    operator.neg, operator.matmul, operator.pow, len, getattr,
)
FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType({function_name(f): f for f in _FUNCTIONS})

# Functional dropout is rebuilt as the matching layer, so that eval() turns it off whatever
# `training=` constant the trace recorded.
DROPOUT_FUNCTIONS: Mapping[str, type[nn.Module]] = MappingProxyType({
    function_name(F.dropout): nn.Dropout,
    function_name(torch.dropout): nn.Dropout,
    function_name(F.dropout1d): nn.Dropout1d,
    function_name(F.dropout2d): nn.Dropout2d,
})

METHODS = frozenset({
    "view", "view_as", "reshape", "reshape_as", "flatten", "unflatten", "size", "dim", "numel",
    "relu", "relu_", "sigmoid", "sigmoid_", "tanh", "tanh_", "softmax", "log_softmax",
    "mean", "sum", "amax", "max", "squeeze", "unsqueeze", "contiguous", "permute", "transpose",
    "add", "add_", "sub", "mul", "mul_", "div", "clamp", "exp", "abs", "neg", "pow", "matmul",
    "float", "double", "type_as", "to", "cpu", "detach", "clone",
})

ATTRIBUTES = frozenset({"shape", "ndim", "dtype"})


