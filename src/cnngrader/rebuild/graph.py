"""Trusted side: a validated description's nodes as a torch.fx graph over whitelisted targets."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from cnngrader.rebuild.description import ModelDescription, NodeOp, NodeRef, NodeSpec
from cnngrader.rebuild.whitelist import ATTRIBUTES, DROPOUT_FUNCTIONS, FUNCTIONS, METHODS
from cnngrader.testing import StudentError

DROPOUT_PREFIX = "functional_dropout"


class GraphBuilder:
    """Builds the graph node by node; functional dropout becomes extra layers (``extra_layers``)."""

    def __init__(self, description: ModelDescription) -> None:
        self.description = description
        self.graph = torch.fx.Graph()
        self.extra_layers: dict[str, nn.Module] = {}
        self._env: dict[str, torch.fx.Node] = {}

    def build(self) -> torch.fx.Graph:
        for spec in self.description.nodes:
            self._env[spec.name] = self._node(spec)
        self.graph.lint()
        return self.graph

    def _node(self, spec: NodeSpec) -> torch.fx.Node:
        args, kwargs = self._resolve(spec.args), self._resolve(dict(spec.kwargs))
        if spec.op is NodeOp.CALL_FUNCTION:
            return self._function(spec, args, kwargs)
        if spec.op is NodeOp.CALL_METHOD and spec.target not in METHODS:
            raise StudentError(f"method `.{spec.target}()` is not supported by the grader")
        target = "output" if spec.op is NodeOp.OUTPUT else spec.target
        return self.graph.create_node(spec.op.value, target, args, kwargs, name=spec.name)

    def _function(self, spec: NodeSpec, args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.fx.Node:
        if spec.target in DROPOUT_FUNCTIONS:
            return self._dropout(spec, args, kwargs)
        function = FUNCTIONS.get(spec.target)
        if function is None:
            raise StudentError(f"operation `{spec.target}` is not supported by the grader")
        if function is getattr and not (len(args) == 2 and not kwargs and args[1] in ATTRIBUTES):
            attribute = args[1] if len(args) > 1 else "?"
            raise StudentError(f"attribute `.{attribute}` of a tensor is not supported by the grader")
        return self.graph.create_node("call_function", function, args, kwargs, name=spec.name)

    def _dropout(self, spec: NodeSpec, args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.fx.Node:
        # Every dropout function takes (input, p, ...): the training flag is what is dropped.
        source = args[0] if args else kwargs.get("input")
        p = args[1] if len(args) > 1 else kwargs.get("p", 0.5)
        if not isinstance(source, torch.fx.Node) or type(p) not in (int, float) or not 0 <= p <= 1:
            raise StudentError(f"`{spec.target}` needs a tensor and a constant probability between 0 and 1")
        path = self._free_path()
        self.extra_layers[path] = DROPOUT_FUNCTIONS[spec.target](p=float(p))
        return self.graph.create_node("call_module", path, (source,), {}, name=spec.name)

    def _free_path(self) -> str:
        taken = {layer.path.split(".")[0] for layer in self.description.layers}
        taken |= {t.name.split(".")[0] for t in self.description.weights_specs()}
        number = len(self.extra_layers)
        while f"{DROPOUT_PREFIX}_{number}" in taken or f"{DROPOUT_PREFIX}_{number}" in self.extra_layers:
            number += 1
        return f"{DROPOUT_PREFIX}_{number}"

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, NodeRef):
            return self._env[value.name]
        if isinstance(value, tuple):
            return tuple(self._resolve(v) for v in value)
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self._resolve(v) for k, v in value.items()}
        if isinstance(value, slice):
            return slice(self._resolve(value.start), self._resolve(value.stop), self._resolve(value.step))
        return value
