"""Child side: trace a model with torch.fx, stopping at torch's own layers.

Each ``torch.nn`` layer becomes one ``call_module`` node (its hyperparameters are read from the
instance); containers (``Sequential``, ``ModuleList``, ``ModuleDict``) and the student's own
modules are traced through, so every way of spelling the same network gives the same graph.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict, nn.ParameterList, nn.ParameterDict)

# fx only wraps a builtin when wrap() is called at module level of the code that uses it, so the
# call is executed *as* module-level code of the student's namespace.
_WRAP_LEN = compile("__import__('torch.fx').fx.wrap('len')", "<cnngrader>", "exec")


def is_torch_layer(module: nn.Module) -> bool:
    return type(module).__module__.startswith("torch.nn.") and not isinstance(module, CONTAINERS)


class LayerTracer(torch.fx.Tracer):
    """A tracer whose leaves are exactly the torch.nn layers."""

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        return is_torch_layer(m)


def trace(model: nn.Module) -> torch.fx.Graph:
    """The model's forward as a graph; ``len(x)`` on a traced tensor is recorded, not evaluated."""
    for namespace in student_namespaces(model):
        exec(_WRAP_LEN, namespace)
    return LayerTracer().trace(model)


def student_namespaces(model: nn.Module) -> list[dict[str, Any]]:
    """The global namespaces of the forward methods written outside torch."""
    found: dict[int, dict[str, Any]] = {}
    for module in model.modules():
        namespace = getattr(type(module).forward, "__globals__", None)
        if isinstance(namespace, dict) and not str(namespace.get("__name__", "")).startswith("torch"):
            found[id(namespace)] = namespace
    return list(found.values())
