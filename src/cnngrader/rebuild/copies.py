"""Trusted side: fresh copies of a rebuilt module, so that a model is rebuilt once per submission.

Hidden tests may change the module they get (train it, move it, edit its graph); the next test,
and the reproduction check's pristine module, must not see that. A copy has tensors, submodules,
graph and class of its own, and computes with the template's generated code: it costs a copy of
the weights rather than a rebuild (layers built and loaded, code generated and compiled).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

_GRAPH = "_graph"  # where a GraphModule keeps its graph (its ``graph`` property would recompile)


def fresh_copy(template: nn.Module, *, meta: bool = False) -> nn.Module:
    """A module equal to ``template`` that shares nothing mutable with it (tied weights stay tied).

    With ``meta=True`` its tensors are on the meta device: shapes without numbers, nothing copied.
    """
    memo: dict[int, Any] = _meta_tensors(template) if meta else {}
    if isinstance(template, torch.fx.GraphModule):
        return _graph_module_copy(template, memo)
    return copy.deepcopy(template, memo)


def with_tensors(template: nn.Module, tensors: Mapping[str, torch.Tensor]) -> nn.Module:
    """A copy of ``template`` holding ``tensors`` (by qualified name) as its parameters and buffers.

    The tensors are used as they are, not copied; each must have its stand-in's shape and dtype.
    """
    memo: dict[int, Any] = {}
    for name, tensor in _named_tensors(template):
        given = tensors[name]
        if given.shape != tensor.shape or given.dtype != tensor.dtype:
            raise ValueError(f"tensor {name} has shape {tuple(given.shape)} and dtype {given.dtype}, "
                             f"not {tuple(tensor.shape)} and {tensor.dtype}")
        is_parameter = isinstance(tensor, nn.Parameter)
        memo[id(tensor)] = nn.Parameter(given, tensor.requires_grad) if is_parameter else given
    return _graph_module_copy(template, memo) if isinstance(template, torch.fx.GraphModule) else (
        copy.deepcopy(template, memo))


def _named_tensors(module: nn.Module) -> list[tuple[str, torch.Tensor]]:
    """Every parameter and buffer with its qualified name, each tensor once."""
    seen: set[int] = set()
    out = []
    for name, tensor in [*module.named_parameters(remove_duplicate=False),
                         *module.named_buffers(remove_duplicate=False)]:
        if id(tensor) not in seen:
            seen.add(id(tensor))
            out.append((name, tensor))
    return out


def _meta_tensors(template: nn.Module) -> dict[int, Any]:
    """Each parameter and buffer's stand-in on the meta device, by identity (for deepcopy's memo)."""
    memo: dict[int, Any] = {}
    for tensor in [*template.parameters(), *template.buffers()]:
        empty = torch.empty_like(tensor, device="meta")
        is_parameter = isinstance(tensor, nn.Parameter)
        memo[id(tensor)] = nn.Parameter(empty, tensor.requires_grad) if is_parameter else empty
    return memo


def _graph_module_copy(template: torch.fx.GraphModule, memo: dict[int, Any]) -> torch.fx.GraphModule:
    # GraphModule's own __deepcopy__ rebuilds the module from its graph: it recompiles, forgets
    # which buffers stay out of the state_dict, and drops the class's plain __call__.
    module = torch.fx.GraphModule.__new__(type(template))  # a class of its own, as fx gives each
    _copy_class(type(template), type(module))
    memo[id(template)] = module
    module.__dict__.update(_copy_state(template, memo, skip=_GRAPH))
    graph = copy.deepcopy(template.__dict__[_GRAPH])
    graph.owning_module = module
    module.__dict__[_GRAPH] = graph
    return module


def _copy_class(source: type, target: type) -> None:
    """The generated forward and the call the template's class has (code is never changed in place)."""
    target.__name__ = source.__name__
    for name in ("forward", "__call__"):
        if name in vars(source):
            setattr(target, name, vars(source)[name])


def _copy_module(module: nn.Module, memo: dict[int, Any]) -> nn.Module:
    if id(module) in memo:  # a layer used twice stays one layer
        return memo[id(module)]  # type: ignore[no-any-return]
    new = object.__new__(type(module))
    memo[id(module)] = new
    new.__dict__.update(_copy_state(module, memo))
    return new


def _copy_state(module: nn.Module, memo: dict[int, Any], skip: str = "") -> dict[str, Any]:
    """A module's attributes, copied: generic deepcopy is slow on the many empty hook dicts."""
    state: dict[str, Any] = {}
    for key, value in module.__dict__.items():
        if key == skip:
            continue
        if key == "_modules":
            state[key] = type(value)(
                (name, None if child is None else _copy_module(child, memo)) for name, child in value.items()
            )
        elif isinstance(value, dict) and not value:
            state[key] = type(value)()
        else:  # tensors (parameters keep their class and flag), sets, settings
            state[key] = copy.deepcopy(value, memo)
    return state
