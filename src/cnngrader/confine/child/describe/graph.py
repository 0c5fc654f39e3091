"""Child side: a torch.fx graph as JSON (nodes, their targets as names, arguments as plain data)."""

from __future__ import annotations

import math
from typing import Any

import torch

from cnngrader.confine.shared.naming import function_name


class DescribeError(Exception):
    """The model uses something that cannot be written down as data."""


def node_records(graph: torch.fx.Graph) -> list[dict[str, Any]]:
    return [
        {
            "name": node.name,
            "op": node.op,
            "target": target_name(node),
            "args": encode_arg(node.args),
            "kwargs": {key: encode_arg(value) for key, value in node.kwargs.items()},
        }
        for node in graph.nodes
    ]


def target_name(node: torch.fx.Node) -> str:
    if node.op == "call_function":
        return function_name(node.target)
    return str(node.target)


def encode_arg(value: Any) -> Any:
    """Arguments of a node as tagged JSON; other nodes become ``{"$node": name}``."""
    if isinstance(value, torch.fx.Node):
        return {"$node": value.name}
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, (tuple, list)):
        items = [encode_arg(v) for v in value]
        return items if isinstance(value, list) else {"$tuple": items}
    if isinstance(value, dict):
        return {"$dict": [[str(k), encode_arg(v)] for k, v in value.items()]}
    if isinstance(value, slice):
        return {"$slice": [encode_arg(value.start), encode_arg(value.stop), encode_arg(value.step)]}
    if value is Ellipsis:
        return {"$ellipsis": None}
    if isinstance(value, torch.dtype):
        return {"$dtype": str(value).removeprefix("torch.")}
    if isinstance(value, torch.device):
        return {"$device": str(value)}
    if isinstance(value, torch.memory_format):
        return {"$memory_format": str(value).removeprefix("torch.")}
    raise DescribeError(f"the model's computation uses a value of type {type(value).__name__}")
