"""Trusted side: a validated description as a ``torch.fx.GraphModule`` built from the whitelist.

Layers are constructed on the meta device from their checked settings (so a hostile setting
cannot make the grader allocate), then take the child's tensors as their weights; shapes must
match exactly. Parameters the forward never uses are installed too, so that parameter counts
and ``requires_grad`` flags are the student's.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import nn

from cnngrader.rebuild.description import LayerSpec, ModelDescription, TensorSpec
from cnngrader.rebuild.graph import GraphBuilder
from cnngrader.rebuild.whitelist import LAYERS
from cnngrader.testing import StudentError


class Untraceable(nn.Module):
    """A model whose forward the child could not follow: its parameters, and a forward that says why.

    Parameter counts and flags still grade; anything that runs the model gets the reason.
    """

    def __init__(self, class_name: str, why: str) -> None:
        super().__init__()
        self._class_name, self._why = class_name, why

    def forward(self, *args: object, **kwargs: object) -> torch.Tensor:
        raise StudentError(
            f"the grader could not follow {self._class_name}.forward ({self._why}); write forward as a "
            "plain sequence of layers and tensor operations, without if/for on tensor values"
        )


def rebuild(description: ModelDescription) -> nn.Module:
    """A fresh module computing what the description says, with the description's weights.

    A ``torch.fx.GraphModule``, or an :class:`Untraceable` if the description has no graph.
    """
    if description.untraceable is not None:
        return _untraceable(description)
    root = nn.Module()
    for layer in description.layers:
        _install(root, layer.path, build_layer(layer, description.weights))
    builder = GraphBuilder(description)
    graph = builder.build()
    for path, module in builder.extra_layers.items():
        _install(root, path, module)
    for spec in description.weights_specs():
        if not _has(root, spec.name):
            _install_tensor(root, spec, description)
    module = torch.fx.GraphModule(root, graph, class_name=description.class_name)
    for spec in description.weights_specs():
        if not _has(module, spec.name):  # never used by forward: keep it for counts and flags
            _install_tensor(module, spec, description)
    _set_flags(module, description)
    # fx wraps calls to report errors with the generated code: that prints to stderr and imports
    # torch._dynamo (seconds) on the first error. Each GraphModule has a class of its own, so
    # this gives just this module the plain nn.Module call, which raises the same exception.
    type(module).__call__ = nn.Module.__call__  # type: ignore[method-assign]
    return module


def _untraceable(description: ModelDescription) -> Untraceable:
    module = Untraceable(description.class_name, description.untraceable or "")
    for spec in description.weights_specs():
        _install_tensor(module, spec, description)
    _set_flags(module, description)
    return module


def build_layer(layer: LayerSpec, weights: Mapping[str, torch.Tensor]) -> nn.Module:
    """One whitelisted layer from its settings, holding its weights from ``weights``."""
    rule = LAYERS.get(layer.type_name)
    if rule is None:
        raise StudentError(f"layer {layer.short_name} is not supported by the grader")
    for key, value in layer.settings.items():
        check = rule.settings.get(key)
        if check is None or not check(value):
            raise StudentError(f"layer {layer.path} ({layer.short_name}) has an unexpected setting "
                               f"{key}={value!r}")
    try:
        with torch.device("meta"):
            module = rule.cls(**layer.settings)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise StudentError(f"layer {layer.path} ({layer.short_name}) cannot be rebuilt: {exc}") from None
    prefix = f"{layer.path}."
    own = {k[len(prefix):]: t for k, t in weights.items() if k.startswith(prefix)}
    expected = module.state_dict().keys()
    state = {k: own[k] for k in expected if k in own}
    try:
        module.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        detail = first[-1].strip() if first else "weights do not fit"
        raise StudentError(f"layer {layer.path} ({layer.short_name}) does not match its weights: "
                           f"{detail}") from None
    module.train(layer.training)
    return module


def _install(root: nn.Module, path: str, module: nn.Module) -> None:
    parent, name = _parent(root, path)
    if name in parent._modules or hasattr(parent, name):
        raise StudentError(f"the model has two things named {path}")
    parent.add_module(name, module)


def _install_tensor(root: nn.Module, spec: TensorSpec, description: ModelDescription) -> None:
    parent, name = _parent(root, spec.name)
    tensor = description.weights[spec.name]
    try:
        if spec in description.parameters:
            parent.register_parameter(name, nn.Parameter(tensor, requires_grad=spec.requires_grad))
        else:
            # fx's tensor constants were never in the student's state_dict; keep them out of ours.
            parent.register_buffer(name, tensor, persistent=spec not in description.constants)
    except (KeyError, TypeError, AttributeError) as exc:
        raise StudentError(f"the model's tensor {spec.name} cannot be rebuilt: {exc}") from None


def _parent(root: nn.Module, path: str) -> tuple[nn.Module, str]:
    *parents, name = path.split(".")
    module = root
    for part in parents:
        child = module._modules.get(part)
        if child is None:
            if hasattr(module, part):
                raise StudentError(f"the model's path {path} goes through a non-module attribute")
            child = nn.Module()
            module.add_module(part, child)
        module = child
    return module, name


def _has(root: nn.Module, path: str) -> bool:
    parent_path, _, name = path.rpartition(".")
    try:
        parent = root.get_submodule(parent_path) if parent_path else root
    except AttributeError:
        return False
    return name in parent._parameters or name in parent._buffers or name in parent.__dict__


def _set_flags(module: nn.Module, description: ModelDescription) -> None:
    parameters = dict(module.named_parameters())
    for spec in description.parameters:
        if spec.name not in parameters:
            raise StudentError(f"parameter {spec.name} could not be rebuilt as a parameter")
        parameters[spec.name].requires_grad_(spec.requires_grad)
    for name, tensor in [*module.named_parameters(), *module.named_buffers()]:
        if tensor.is_meta:
            raise StudentError(f"the model's tensor {name} has no weights")
    module.train(description.training)
    for layer in description.layers:
        module.get_submodule(layer.path).train(layer.training)
