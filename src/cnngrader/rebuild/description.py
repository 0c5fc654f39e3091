"""Trusted side: a model description received from a child, validated before anything is built.

The description is JSON written by :mod:`cnngrader.confine.child.describe` in the child, so it is treated as
hostile: every field is type-checked, sizes are bounded, node references must point backwards,
and the weights must be exactly the tensors declared, with the declared shapes and dtypes.
"""

from __future__ import annotations

import enum
import keyword
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

import torch

FORMAT = 1
MAX_NODES = 5000
MAX_LAYERS = 2000
MAX_TENSORS = 5000
MAX_NAME_CHARS = 200
MAX_WHY = 300
MAX_DIMS = 8
MAX_ARG_DEPTH = 8
MAX_ARG_ITEMS = 2000
MAX_INT = 2**62

DTYPES: Mapping[str, torch.dtype] = MappingProxyType({
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
    "bfloat16": torch.bfloat16, "int64": torch.int64, "int32": torch.int32, "int16": torch.int16,
    "int8": torch.int8, "uint8": torch.uint8, "bool": torch.bool,
})
MEMORY_FORMATS: Mapping[str, torch.memory_format] = MappingProxyType({
    "contiguous_format": torch.contiguous_format, "channels_last": torch.channels_last,
    "preserve_format": torch.preserve_format,
})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PATH = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*\Z")
_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class DescriptionError(ValueError):
    """The description breaks the format or its limits."""


class NodeOp(str, enum.Enum):
    """The kinds of torch.fx nodes."""

    PLACEHOLDER = "placeholder"
    GET_ATTR = "get_attr"
    CALL_FUNCTION = "call_function"
    CALL_METHOD = "call_method"
    CALL_MODULE = "call_module"
    OUTPUT = "output"


@dataclass(frozen=True)
class NodeRef:
    """An argument that is the output of an earlier node."""

    name: str


@dataclass(frozen=True)
class NodeSpec:
    name: str
    op: NodeOp
    target: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]


@dataclass(frozen=True)
class LayerSpec:
    """A torch.nn layer: its path in the model, class (qualified name) and constructor settings."""

    path: str
    type_name: str
    settings: Mapping[str, Any]
    training: bool

    @property
    def short_name(self) -> str:
        """``nn.Conv2d`` for ``torch.nn.modules.conv.Conv2d``."""
        name = self.type_name.rsplit(".", 1)[-1]
        return f"nn.{name}" if self.type_name.startswith("torch.nn.") else self.type_name


@dataclass(frozen=True)
class TensorSpec:
    name: str
    shape: tuple[int, ...]
    dtype: torch.dtype
    requires_grad: bool = False


@dataclass(frozen=True)
class ModelDescription:
    """A student's model as data: a graph over torch layers and functions, and its weights."""

    class_name: str
    training: bool
    nodes: tuple[NodeSpec, ...]
    layers: tuple[LayerSpec, ...]
    parameters: tuple[TensorSpec, ...]
    buffers: tuple[TensorSpec, ...]
    constants: tuple[TensorSpec, ...]
    weights: Mapping[str, torch.Tensor] = field(compare=False, repr=False)
    untraceable: str | None = None  # why the child could not follow forward (then no nodes)

    @property
    def parameter_count(self) -> int:
        return sum(math.prod(p.shape) for p in self.parameters)

    def weights_specs(self) -> tuple[TensorSpec, ...]:
        """Parameters, buffers and constants: every tensor in ``weights``."""
        return (*self.parameters, *self.buffers, *self.constants)

    @classmethod
    def from_json(cls, data: Any, weights: Mapping[str, torch.Tensor]) -> ModelDescription:
        """Validate everything; raises :class:`DescriptionError` naming the first problem."""
        data = _mapping(data, "description")
        _expect(data.get("format") == FORMAT, f"unknown description format {data.get('format')!r}")
        parameters = _tensor_specs(data.get("parameters"), "parameter", with_grad=True)
        buffers = _tensor_specs(data.get("buffers"), "buffer")
        constants = _tensor_specs(data.get("constants"), "constant")
        specs = (*parameters, *buffers, *constants)
        _check_weights(specs, weights)
        untraceable = _untraceable(data)
        nodes: tuple[NodeSpec, ...]
        layers: tuple[LayerSpec, ...]
        if untraceable is not None:
            _expect(data.get("nodes") == [] and data.get("layers") == {} and not constants,
                    "a description without a graph has only parameters and buffers")
            nodes, layers = (), ()
        else:
            nodes = _nodes(data.get("nodes"))
            layers = _layers(data.get("layers"))
            _check_references(nodes, layers, specs)
        return cls(
            class_name=_identifier(data.get("class_name"), "class name"),
            training=_bool(data.get("training"), "training"),
            nodes=nodes,
            layers=layers,
            parameters=parameters,
            buffers=buffers,
            constants=constants,
            weights=MappingProxyType(dict(weights)),
            untraceable=untraceable,
        )


# --- pieces ---------------------------------------------------------------------------------


def _untraceable(data: Mapping[str, Any]) -> str | None:
    why = data.get("untraceable")
    _expect(why is None or (isinstance(why, str) and len(why) <= MAX_WHY), "malformed 'untraceable'")
    return why


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise DescriptionError(message)


def _mapping(value: Any, what: str) -> dict[str, Any]:
    _expect(isinstance(value, dict) and all(isinstance(k, str) for k in value), f"{what} must be an object")
    return cast(dict[str, Any], value)


def _bool(value: Any, what: str) -> bool:
    _expect(type(value) is bool, f"{what} must be true or false")
    return bool(value)


def _identifier(value: Any, what: str) -> str:
    _expect(isinstance(value, str) and len(value) <= MAX_NAME_CHARS and bool(_IDENTIFIER.match(value))
            and not keyword.iskeyword(value), f"{what} {str(value)[:80]!r} is not a valid name")
    return cast(str, value)


def _path(value: Any, what: str) -> str:
    _expect(isinstance(value, str) and len(value) <= MAX_NAME_CHARS and bool(_PATH.match(value)),
            f"{what} {str(value)[:80]!r} is not a valid attribute path")
    return cast(str, value)


def _tensor_specs(value: Any, what: str, *, with_grad: bool = False) -> tuple[TensorSpec, ...]:
    items = _mapping(value, f"{what}s")
    _expect(len(items) <= MAX_TENSORS, f"more than {MAX_TENSORS} {what}s")
    out = []
    for name, spec in items.items():
        spec = _mapping(spec, f"{what} {name}")
        shape = spec.get("shape")
        if not (isinstance(shape, list) and len(shape) <= MAX_DIMS
                and all(type(d) is int and 0 <= d <= MAX_INT for d in shape)):
            raise DescriptionError(f"{what} {name} has a bad shape")
        _expect(spec.get("dtype") in DTYPES, f"{what} {name} has an unsupported dtype {spec.get('dtype')!r}")
        grad = _bool(spec.get("requires_grad"), f"requires_grad of {name}") if with_grad else False
        out.append(TensorSpec(_path(name, what), tuple(shape), DTYPES[spec["dtype"]], grad))
    return tuple(out)


def _check_weights(specs: tuple[TensorSpec, ...], weights: Mapping[str, torch.Tensor]) -> None:
    names = [s.name for s in specs]
    _expect(len(set(names)) == len(names), "a tensor name is declared twice")
    _expect(set(names) == set(weights), "the weights do not match the declared tensors")
    for spec in specs:
        tensor = weights[spec.name]
        _expect(tuple(tensor.shape) == spec.shape and tensor.dtype == spec.dtype,
                f"tensor {spec.name} does not have its declared shape and dtype")


def _nodes(value: Any) -> tuple[NodeSpec, ...]:
    _expect(isinstance(value, list) and 0 < len(value) <= MAX_NODES,
            f"the graph must have between 1 and {MAX_NODES} nodes")
    seen: set[str] = set()
    nodes = []
    for raw in value:
        raw = _mapping(raw, "node")
        name = _identifier(raw.get("name"), "node name")
        _expect(name not in seen, f"node name {name} is used twice")
        try:
            op = NodeOp(raw.get("op"))
        except ValueError:
            raise DescriptionError(f"node {name} has an unknown kind {raw.get('op')!r}") from None
        target = _target(op, raw.get("target"), name)
        budget = [MAX_ARG_ITEMS]
        args = decode_arg(raw.get("args"), seen, budget)
        _expect(isinstance(args, tuple), f"arguments of node {name} must be a tuple")
        kwargs = _mapping(raw.get("kwargs"), f"keyword arguments of node {name}")
        kwargs = {_identifier(k, "keyword"): decode_arg(v, seen, budget) for k, v in kwargs.items()}
        nodes.append(NodeSpec(name, op, target, args, MappingProxyType(kwargs)))
        seen.add(name)
    outputs = [n for n in nodes if n.op is NodeOp.OUTPUT]
    _expect(len(outputs) == 1 and nodes[-1].op is NodeOp.OUTPUT, "the graph must end with its one output")
    return tuple(nodes)


def _target(op: NodeOp, value: Any, node: str) -> str:
    if op in (NodeOp.PLACEHOLDER, NodeOp.CALL_METHOD):
        return _identifier(value, f"target of node {node}")
    if op in (NodeOp.GET_ATTR, NodeOp.CALL_MODULE):
        return _path(value, f"target of node {node}")
    _expect(isinstance(value, str) and 0 < len(value) <= MAX_NAME_CHARS, f"node {node} has a bad target")
    return cast(str, value)


def decode_arg(value: Any, nodes: set[str] | None, budget: list[int], depth: int = 0) -> Any:
    """Tagged JSON of a node argument or a layer setting; ``nodes`` None means no node references."""
    _expect(depth <= MAX_ARG_DEPTH, "an argument is nested too deeply")
    budget[0] -= 1
    _expect(budget[0] >= 0, "a node has too many arguments")
    if value is None or type(value) in (bool, float):
        return value
    if type(value) is int:
        _expect(abs(value) <= MAX_INT, "an integer argument is too large")
        return value
    if type(value) is str:
        _expect(len(value) <= MAX_NAME_CHARS, "a string argument is too long")
        return value
    if type(value) is list:
        return [decode_arg(v, nodes, budget, depth + 1) for v in value]
    _expect(type(value) is dict and len(value) == 1, "malformed argument")
    ((tag, body),) = value.items()
    return _decode_tagged(tag, body, nodes, budget, depth)


def _decode_tagged(tag: str, body: Any, nodes: set[str] | None, budget: list[int], depth: int) -> Any:
    if tag == "$node":
        _expect(nodes is not None and body in nodes, f"argument refers to an unknown node {str(body)[:80]!r}")
        return NodeRef(body)
    if tag == "$tuple" and type(body) is list:
        return tuple(decode_arg(v, nodes, budget, depth + 1) for v in body)
    if tag == "$dict" and type(body) is list:
        out = {}
        for pair in body:
            _expect(type(pair) is list and len(pair) == 2 and type(pair[0]) is str, "malformed dict argument")
            out[pair[0]] = decode_arg(pair[1], nodes, budget, depth + 1)
        return out
    if tag == "$slice" and type(body) is list and len(body) == 3:
        parts = [decode_arg(v, nodes, budget, depth + 1) for v in body]
        _expect(all(p is None or type(p) is int or isinstance(p, NodeRef) for p in parts), "malformed slice")
        return slice(*parts)
    if tag == "$ellipsis":
        return Ellipsis
    if tag == "$float" and body in _FLOATS:
        return _FLOATS[body]
    if tag == "$dtype" and body in DTYPES:
        return DTYPES[body]
    if tag == "$memory_format" and body in MEMORY_FORMATS:
        return MEMORY_FORMATS[body]
    if tag == "$device" and body == "cpu":
        return torch.device("cpu")
    raise DescriptionError(f"unsupported argument {tag} {str(body)[:80]!r}")


def _layers(value: Any) -> tuple[LayerSpec, ...]:
    items = _mapping(value, "layers")
    _expect(len(items) <= MAX_LAYERS, f"more than {MAX_LAYERS} layers")
    out = []
    for path, raw in items.items():
        raw = _mapping(raw, f"layer {path}")
        type_name = raw.get("type")
        if not (isinstance(type_name, str) and len(type_name) <= MAX_NAME_CHARS):
            raise DescriptionError(f"layer {path} has a bad type")
        settings = _mapping(raw.get("settings"), f"settings of layer {path}")
        budget = [MAX_ARG_ITEMS]
        decoded = {_identifier(k, "setting"): decode_arg(v, None, budget) for k, v in settings.items()}
        out.append(LayerSpec(_path(path, "layer"), type_name, MappingProxyType(decoded),
                             _bool(raw.get("training"), f"training of layer {path}")))
    return tuple(out)


def _check_references(nodes: tuple[NodeSpec, ...], layers: tuple[LayerSpec, ...],
                      specs: tuple[TensorSpec, ...]) -> None:
    paths = {layer.path for layer in layers}
    called = {n.target for n in nodes if n.op is NodeOp.CALL_MODULE}
    _expect(called == paths, "the layers do not match the modules the graph calls")
    tensors = {s.name for s in specs}
    for node in nodes:
        if node.op is NodeOp.GET_ATTR:
            _expect(node.target in tensors, f"node {node.name} reads an undeclared attribute {node.target}")
