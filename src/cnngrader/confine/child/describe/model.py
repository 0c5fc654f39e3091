"""Child side: a model instance as data, a JSON description plus its tensors by name."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from cnngrader.confine.child.describe.graph import DescribeError, node_records
from cnngrader.confine.child.describe.layers import layer_record
from cnngrader.confine.child.describe.tracer import trace

FORMAT = 1
MAX_WHY = 300


def describe_model(model: nn.Module) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """The description (see ``cnngrader.rebuild.description``) and the weights it refers to."""
    parameters = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    try:
        graph = trace(model)
    except NotImplementedError as exc:
        if not _raised_by_fx(exc):
            raise  # the student's own stub: not attempted
        return _untraceable(model, f"NotImplementedError: {_first_line(exc)}", parameters, buffers)
    except Exception as exc:  # fx cannot follow this forward: its parameters still count
        return _untraceable(model, f"{type(exc).__name__}: {_first_line(exc)}", parameters, buffers)
    constants = _constants(model, graph, parameters.keys() | buffers.keys())
    layers = {
        str(node.target): layer_record(model.get_submodule(str(node.target)))
        for node in graph.nodes
        if node.op == "call_module"
    }
    description = {
        "format": FORMAT,
        "class_name": type(model).__name__,
        "training": model.training,
        "nodes": node_records(graph),
        "layers": layers,
        "parameters": {n: _spec(t, requires_grad=t.requires_grad) for n, t in parameters.items()},
        "buffers": {n: _spec(t) for n, t in buffers.items()},
        "constants": {n: _spec(t) for n, t in constants.items()},
    }
    tensors = {name: t for group in (parameters, buffers, constants) for name, t in group.items()}
    return description, tensors


def _untraceable(
    model: nn.Module, why: str, parameters: Mapping[str, torch.Tensor], buffers: Mapping[str, torch.Tensor]
) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Only the tensors, and why forward could not be followed (the trusted side says it when run)."""
    description = {
        "format": FORMAT,
        "class_name": type(model).__name__,
        "training": model.training,
        "untraceable": why[:MAX_WHY],
        "nodes": [],
        "layers": {},
        "parameters": {n: _spec(t, requires_grad=t.requires_grad) for n, t in parameters.items()},
        "buffers": {n: _spec(t) for n, t in buffers.items()},
        "constants": {},
    }
    return description, {**parameters, **buffers}


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


def _constants(model: nn.Module, graph: torch.fx.Graph, known: Any) -> dict[str, torch.Tensor]:
    """Tensors that forward reads as attributes without registering them (fx's tensor constants)."""
    out = {}
    for node in graph.nodes:
        if node.op == "get_attr" and node.target not in known:
            value: Any = model
            for part in str(node.target).split("."):
                value = getattr(value, part)
            if not isinstance(value, torch.Tensor):
                raise DescribeError(f"forward reads attribute {node.target} of type {type(value).__name__}")
            out[str(node.target)] = value
    return out


def _raised_by_fx(exc: BaseException) -> bool:
    """fx says NotImplementedError for what it cannot trace; a student's stub says it too."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and f"{os.sep}torch{os.sep}fx{os.sep}" in tb.tb_frame.f_code.co_filename


def _spec(tensor: torch.Tensor, **extra: Any) -> dict[str, Any]:
    return {"shape": list(tensor.shape), "dtype": str(tensor.dtype).removeprefix("torch."), **extra}
