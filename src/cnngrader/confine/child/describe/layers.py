"""Child side: a torch.nn layer's constructor hyperparameters, read back from the instance."""

from __future__ import annotations

import inspect
from typing import Any

from torch import Tensor, nn

from cnngrader.confine.child.describe.graph import DescribeError, encode_arg

SKIPPED = frozenset({"self", "device", "dtype"})


def layer_record(module: nn.Module) -> dict[str, Any]:
    cls = type(module)
    return {
        "type": f"{cls.__module__}.{cls.__qualname__}",
        "settings": settings(module),
        "training": module.training,
    }


def settings(module: nn.Module) -> dict[str, Any]:
    """Each constructor argument the instance keeps as an attribute (``bias`` as a bool)."""
    try:
        parameters = inspect.signature(type(module).__init__).parameters
    except (TypeError, ValueError):
        return {}
    out: dict[str, Any] = {}
    for name, parameter in parameters.items():
        if name in SKIPPED or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name == "bias" and isinstance(getattr(module, "bias", None), (Tensor, type(None))):
            out[name] = module.bias is not None
        elif hasattr(module, name):
            try:
                out[name] = encode_arg(getattr(module, name))
            except DescribeError:
                continue  # the trusted side says which required setting is missing
    return out
