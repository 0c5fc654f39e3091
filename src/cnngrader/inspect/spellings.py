"""Every spelling of an operation that graders treat as the same step, by canonical name.

Tables only: which torch.nn layers, functions (by identity: ``F.conv2d`` is ``torch.conv2d``) and
tensor methods are which step, which methods compute nothing, and the positional parameters of
the functional forms. ``canon.py`` applies them to graph nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = (
    "relu", "leaky relu", "sigmoid", "tanh", "gelu", "silu", "elu", "selu", "relu6", "hardtanh",
    "softplus", "mish", "hardswish", "prelu", "softmax", "log softmax",
)  # fmt: skip

# Layers of torch.nn by the step they are (subclasses included, checked in this order).
ACTIVATION_LAYERS: tuple[tuple[type[nn.Module], str], ...] = (
    (nn.ReLU, "relu"), (nn.LeakyReLU, "leaky relu"), (nn.Sigmoid, "sigmoid"), (nn.Tanh, "tanh"),
    (nn.GELU, "gelu"), (nn.SiLU, "silu"), (nn.ELU, "elu"), (nn.SELU, "selu"), (nn.ReLU6, "relu6"),
    (nn.Hardtanh, "hardtanh"), (nn.Softplus, "softplus"), (nn.Mish, "mish"),
    (nn.Hardswish, "hardswish"), (nn.PReLU, "prelu"), (nn.Softmax, "softmax"),
    (nn.LogSoftmax, "log softmax"),
)  # fmt: skip

# Functions, by identity (F.conv2d is torch.conv2d, F.avg_pool2d is a builtin, ...).
FUNCTIONS: dict[Callable[..., Any], str] = {
    F.relu: "relu", F.relu_: "relu", torch.relu: "relu", torch.relu_: "relu",
    F.leaky_relu: "leaky relu", F.sigmoid: "sigmoid", torch.sigmoid: "sigmoid",
    F.tanh: "tanh", torch.tanh: "tanh", F.gelu: "gelu", F.silu: "silu", F.elu: "elu",
    F.selu: "selu", torch.selu: "selu", F.relu6: "relu6", F.hardtanh: "hardtanh",
    F.softplus: "softplus", F.mish: "mish", F.hardswish: "hardswish", F.prelu: "prelu",
    torch.prelu: "prelu", F.softmax: "softmax", torch.softmax: "softmax",
    F.log_softmax: "log softmax", torch.log_softmax: "log softmax",
    F.conv1d: "conv", F.conv2d: "conv", F.conv3d: "conv", F.linear: "linear",
    F.max_pool1d: "max pool", F.max_pool2d: "max pool", F.max_pool3d: "max pool",
    torch.max_pool1d: "max pool", torch.max_pool2d: "max pool", torch.max_pool3d: "max pool",
    F.avg_pool1d: "avg pool", F.avg_pool2d: "avg pool", F.avg_pool3d: "avg pool",
    F.adaptive_avg_pool1d: "adaptive avg pool", F.adaptive_avg_pool2d: "adaptive avg pool",
    F.adaptive_avg_pool3d: "adaptive avg pool", F.adaptive_max_pool1d: "adaptive max pool",
    F.adaptive_max_pool2d: "adaptive max pool", F.adaptive_max_pool3d: "adaptive max pool",
    torch.flatten: "reshape", torch.reshape: "reshape", torch.squeeze: "reshape",
    torch.unsqueeze: "reshape", F.dropout: "dropout", F.dropout1d: "dropout",
    F.dropout2d: "dropout", F.dropout3d: "dropout", torch.dropout: "dropout",
    F.batch_norm: "batch norm", torch.mean: "mean", torch.amax: "amax", F.pad: "pad",
    torch.clamp: "clamp",
}  # fmt: skip

METHODS: dict[str, str] = {
    "relu": "relu", "relu_": "relu", "sigmoid": "sigmoid", "tanh": "tanh",
    "softmax": "softmax", "log_softmax": "log softmax", "flatten": "reshape", "view": "reshape",
    "reshape": "reshape", "squeeze": "reshape", "unsqueeze": "reshape", "mean": "mean",
    "amax": "amax", "clamp": "clamp",
}  # fmt: skip

# Tensor methods that change neither values nor shape in a way a grader cares about.
NOOP_METHODS = frozenset(
    {"contiguous", "clone", "detach", "float", "double", "to", "type", "cpu", "requires_grad_"}
)

# Positional parameter names of the functional forms (methods take the tensor as ``input`` too).
SIGNATURES: dict[str, tuple[str, ...]] = {
    "conv": ("input", "weight", "bias", "stride", "padding", "dilation", "groups"),
    "linear": ("input", "weight", "bias"),
    "max pool": ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"),
    "avg pool": (
        "input",
        "kernel_size",
        "stride",
        "padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override",
    ),
    "adaptive avg pool": ("input", "output_size"),
    "adaptive max pool": ("input", "output_size", "return_indices"),
    "leaky relu": ("input", "negative_slope", "inplace"),
    "elu": ("input", "alpha", "inplace"),
    "softmax": ("input", "dim"),
    "log softmax": ("input", "dim"),
    "dropout": ("input", "p", "training", "inplace"),
    "batch norm": ("input", "running_mean", "running_var", "weight", "bias", "training", "momentum", "eps"),
    "mean": ("input", "dim", "keepdim"),
    "pad": ("input", "pad", "mode", "value"),
    "clamp": ("input", "min", "max"),
    "amax": ("input", "dim", "keepdim"),
}


def function_op(target: Any) -> str | None:
    """The canonical op of a called function, or None if it is not one we know by identity."""
    try:
        return FUNCTIONS.get(target)
    except TypeError:  # an unhashable callable cannot be one of ours
        return None
