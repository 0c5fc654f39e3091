"""Trusted side: fresh copies of a rebuilt module, so that a model is rebuilt once per submission.

Hidden tests may change the module they get (train it, move it, edit its graph); the next test,
and the reproduction check's pristine module, must not see that. A copy has tensors, submodules,
graph and class of its own, and computes with the template's generated code: it costs no rebuild
(layers built and loaded, code generated and compiled), and its tensors share the template's
memory copy-on-write, so a test that only reads its copy costs no copy of the weights either.
"""

from __future__ import annotations

import copy
import dataclasses
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import torch
from torch import nn

from cnngrader.rebuild.description import ModelDescription

T = TypeVar("T")
_GRAPH = "_graph"  # where a GraphModule keeps its graph (its ``graph`` property would recompile)


def fresh_copy(template: nn.Module, *, meta: bool = False) -> nn.Module:
    """A module equal to ``template`` that shares nothing mutable with it (tied weights stay tied).

    With ``meta=True`` its tensors are on the meta device: shapes without numbers, nothing copied.
    """
    memo: dict[int, Any] = _meta_tensors(template) if meta else _copies_on_write(template)
    if isinstance(template, torch.fx.GraphModule):
        return _graph_module_copy(template, memo)
    return copy.deepcopy(template, memo)


def shareable(description: ModelDescription) -> ModelDescription:
    """``description`` with each weight in a storage of its own, which the fresh copies of a module
    rebuilt from it can share copy-on-write (a view of a received payload cannot be shared)."""
    owned = {name: tensor.clone() for name, tensor in description.weights.items()}
    return dataclasses.replace(description, weights=MappingProxyType(owned))


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
        empty = torch.empty(tensor.shape, dtype=tensor.dtype, device="meta")  # empty_like would import sympy
        is_parameter = isinstance(tensor, nn.Parameter)
        memo[id(tensor)] = nn.Parameter(empty, tensor.requires_grad) if is_parameter else empty
    return memo


def _copies_on_write(template: nn.Module) -> dict[int, Any]:
    """Each plain parameter and buffer's copy, sharing the template's memory until either is written.

    torch's copy-on-write clone: most tests only read their copy (steps, counts, a forward), so
    the weights are not copied for them; the first write to either side copies that tensor. A
    tensor torch cannot share so (one over memory it does not own, such as a received payload)
    and one with a gradient or attributes of its own are left to deepcopy, which copies them.
    """
    memo: dict[int, Any] = {}
    if _LAZY_CLONE is None:
        return memo
    for tensor in [*template.parameters(), *template.buffers()]:
        plain = type(tensor) in (torch.Tensor, nn.Parameter) and not vars(tensor)
        if not plain or tensor.grad is not None or tensor.device.type != "cpu" or id(tensor) in memo:
            continue
        if type(tensor) is torch.Tensor and tensor.requires_grad:
            continue
        try:
            shared = _LAZY_CLONE(tensor.detach())
        except RuntimeError:  # a storage torch cannot share (over memory it does not own)
            continue
        is_parameter = type(tensor) is nn.Parameter
        memo[id(tensor)] = nn.Parameter(shared, tensor.requires_grad) if is_parameter else shared
    return memo


_LAZY_CLONE: Callable[[torch.Tensor], torch.Tensor] | None = getattr(torch, "_lazy_clone", None)


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
        elif isinstance(value, (dict, set)) and not value:
            state[key] = type(value)()
        elif _immutable(value):  # settings (stride, padding, flags) are shared as they are
            state[key] = value
        else:  # tensors (parameters keep their class and flag), sets, settings
            state[key] = copy.deepcopy(value, memo)
    return state


# --- what fresh copies compute alike --------------------------------------------------------------
# Every test gets a copy of its own, and most only look at it (steps, parameters). What such a look
# finds is the same for each unchanged copy of one template, so it is worked out once per template.

_ORIGINS: weakref.WeakKeyDictionary[nn.Module, tuple[weakref.ref[nn.Module], tuple[Any, ...]]] = (
    weakref.WeakKeyDictionary()
)
_FOUND: weakref.WeakKeyDictionary[nn.Module, dict[Hashable, Any]] = weakref.WeakKeyDictionary()
_SCALARS = (bool, int, float, str, type(None), torch.dtype, torch.device)


def remember_origin(copy_: nn.Module, template: nn.Module) -> None:
    """``copy_`` is a fresh copy of ``template`` as it is now (called once its hooks are attached)."""
    _ORIGINS[copy_] = (weakref.ref(template), fingerprint(copy_))


def memoized(module: nn.Module, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, shared by the unchanged fresh copies of one template (else worked out anew).

    ``compute`` must return an immutable value that depends on ``key`` and on what
    :func:`fingerprint` sees of the module, not on its weights' values: a change torch does not
    count (through ``.data``) goes unseen. Steps and parameter counts are such values.
    """
    origin = _ORIGINS.get(module)
    template = origin[0]() if origin is not None else None
    if origin is None or template is None or fingerprint(module) != origin[1]:
        return compute()
    found = _FOUND.setdefault(template, {})
    if key not in found:
        found[key] = compute()
    return found[key]  # type: ignore[no-any-return]


def fingerprint(module: nn.Module) -> tuple[Any, ...]:
    """What a test could change in a module: its submodules, tensors (their identity, shape, dtype,
    device, flags, and in-place changes that torch counts), settings, hooks and generated code."""
    return tuple((id(m), type(m), vars(type(m)).get("forward"), _state_print(m)) for m in module.modules())


def _immutable(value: Any) -> bool:
    if isinstance(value, _SCALARS):
        return True
    return type(value) is tuple and all(isinstance(v, _SCALARS) for v in value)


def _state_print(module: nn.Module) -> tuple[Any, ...]:
    out: list[Any] = []
    for key, value in module.__dict__.items():
        kind = type(value)
        if key in _TENSOR_DICTS:
            out.append((key, tuple((name, _tensor_print(t)) for name, t in value.items())))
        elif key == "_modules":
            out.append((key, tuple((name, id(child)) for name, child in value.items())))
        elif kind in _PLAIN:  # most of a layer's state: flags and settings (the same test as below)
            out.append((key, value))
        elif kind in _HOOK_DICTS:  # hooks and the like: what a test adds shows
            out.append((key, id(value), len(value)))
        elif isinstance(value, torch.Tensor):
            out.append((key, _tensor_print(value)))
        elif _immutable(value):
            out.append((key, value))
        elif isinstance(value, torch.fx.Graph):
            out.append((key, id(value), len(value.nodes)))
        elif isinstance(value, (dict, list, set)):
            out.append((key, id(value), len(value)))
        else:
            out.append((key, id(value)))
    return tuple(out)


_TENSOR_DICTS = frozenset({"_parameters", "_buffers"})
_PLAIN = frozenset(_SCALARS)  # exact types, for speed: subclasses take the general path
_HOOK_DICTS = frozenset({dict, OrderedDict, set, list})


def _tensor_print(t: torch.Tensor | None) -> tuple[Any, ...] | None:
    if t is None:
        return None
    # const_data_ptr, not data_ptr: asking for a writable pointer ends a copy-on-write share.
    pointer = t.const_data_ptr()  # type: ignore[attr-defined]
    return (id(t), t._version, t.dtype, t.device, tuple(t.shape), t.requires_grad, pointer)
