"""Follow a model with torch.fx: a graph whose leaves are torch's own layers, then one recorded run.

Leaves are the layers of ``torch.nn`` (a ``Conv2d`` is one step), containers and everything the
student wrote are traced through (a ``Sequential`` subclass, a ``ModuleList`` loop, a helper
function). ``len(x)`` is not traceable in torch.fx by default; it is made so here, only while a
trace runs, because ``x.reshape(len(x), -1)`` is a legitimate way to flatten.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.fx as fx

from cnngrader.rebuild.shapes import MetaInterpreter
from cnngrader.testing import NotAttempted, StudentError, StudentProblem

_CONTAINERS = (torch.nn.Sequential, torch.nn.ModuleList, torch.nn.ModuleDict)
_LEN = builtins.len
_MISSING = object()


class _Tracer(fx.Tracer):
    """Stops at torch.nn layers, traces through containers and the student's own modules."""

    def is_leaf_module(self, m: torch.nn.Module, module_qualified_name: str) -> bool:
        return is_layer(m)


class _Followed(fx.GraphModule):
    """A trace that is only read and interpreted, never called: fx's code generation and the
    compile of a forward (half of a trace's time) are skipped."""

    def recompile(self) -> Any:
        self._code = "# (not generated: this trace is only read and interpreted)\n"  # for str()
        return None


def is_layer(m: torch.nn.Module) -> bool:
    """A layer of torch.nn itself (Conv2d, ReLU...), as opposed to a container or a student's module."""
    return type(m).__module__.startswith("torch.nn.") and not isinstance(m, _CONTAINERS)


def traceable_len(obj: Any) -> Any:
    """``len`` that records a graph node for a traced tensor and is the builtin otherwise."""
    if isinstance(obj, fx.Proxy):
        return obj.tracer.create_proxy("call_function", _LEN, (obj,), {})
    return _LEN(obj)


def trace(model: torch.nn.Module, *, callable_: bool = True) -> fx.GraphModule:
    """``model`` as a GraphModule of leaf layers and tensor operations.

    With ``callable_=False`` the GraphModule is only for reading and interpreting (as
    :func:`run` does): fx generates and compiles no forward for it, half of a trace's time.

    Raises NotAttempted for a forward that is still a ``NotImplementedError`` stub, and
    StudentError for one that torch.fx cannot follow (control flow on tensor values...).
    """
    tracer = _Tracer()
    root = torch.nn.Sequential(model) if is_layer(model) else model  # fx never stops at its root
    name = type(model).__name__
    try:
        with _len_traceable(root):
            graph = tracer.trace(root)
    except StudentProblem:
        raise  # already in the student's words (a model the grader could not follow)
    except NotImplementedError as exc:
        if _raised_by_torch(exc):
            raise StudentError(f"could not follow {name}.forward step by step: {_first_line(exc)}") from None
        raise NotAttempted(f"{name}.forward still raises NotImplementedError: replace the stub") from None
    except Exception as exc:  # any failure is about the student's forward, told in their words
        raise StudentError(
            f"could not follow {name}.forward step by step ({type(exc).__name__}: {_first_line(exc)}); "
            "write forward as a plain sequence of layers and tensor operations, "
            "without if/for on tensor values"
        ) from None
    return (fx.GraphModule if callable_ else _Followed)(tracer.root, graph, type(model).__name__)


def run(traced: fx.GraphModule, example: torch.Tensor) -> tuple[dict[fx.Node, Any], str | None]:
    """Run the traced model once on ``example``: every node's value, and why it stopped if it failed.

    A failure (say a Linear whose in_features does not match) ends the run there; the values of
    the nodes before it are still returned, so the layers can be judged even so.
    """
    recorder = _Recorder(traced)
    try:
        recorder.run(example)
    except _StepFailed:
        return recorder.values, recorder.failure  # not str(exc): fx appends its own graph dump to it
    return recorder.values, None


class _StepFailed(Exception):
    """The model raised at one node; the message says where, in the student's terms."""


class _Recorder(MetaInterpreter):  # on meta tensors (reference models), shapes take shortcuts
    """An interpreter that keeps every node's value and names the step where the model fails."""

    def __init__(self, module: fx.GraphModule) -> None:
        super().__init__(module)
        self.values: dict[fx.Node, Any] = {}
        self.failure: str | None = None

    def run_node(self, n: fx.Node) -> Any:
        try:
            result = super().run_node(n)
        except Exception as exc:
            self.failure = f"the model fails at {self._where(n)}: {_first_line(exc)}"
            raise _StepFailed(self.failure) from None
        self.values[n] = result
        return result

    def _where(self, n: fx.Node) -> str:
        if n.op == "call_module":
            layer = type(self.module.get_submodule(str(n.target))).__name__
            what = f"layer {n.target} ({layer})"
        elif n.op == "call_method":
            what = f".{n.target}()"
        else:
            what = getattr(n.target, "__name__", str(n.target))
        inputs = [tuple(v.shape) for v in self._arg_values(n) if isinstance(v, torch.Tensor)]
        return f"{what} on an input of shape {inputs[0]}" if inputs else what

    def _arg_values(self, n: fx.Node) -> Iterator[Any]:
        for arg in n.all_input_nodes:
            if arg in self.values:
                yield self.values[arg]


@contextmanager
def _len_traceable(model: torch.nn.Module) -> Iterator[None]:
    """Bind ``len`` to :func:`traceable_len` in the globals of every forward that is not torch's."""
    namespaces = {id(g): g for g in _forward_globals(model)}
    saved = {key: g.get("len", _MISSING) for key, g in namespaces.items()}
    try:
        for g in namespaces.values():
            g["len"] = traceable_len
        yield
    finally:
        for key, g in namespaces.items():
            if saved[key] is _MISSING:
                g.pop("len", None)
            else:
                g["len"] = saved[key]


def _forward_globals(model: torch.nn.Module) -> Iterator[dict[str, Any]]:
    for module in model.modules():
        namespace = getattr(type(module).forward, "__globals__", None)
        if isinstance(namespace, dict) and not str(namespace.get("__name__", "")).startswith("torch."):
            yield namespace


def _raised_by_torch(exc: BaseException) -> bool:
    """Whether the innermost frame is torch's (fx refusing something) rather than the student's stub."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and f"{os.sep}torch{os.sep}" in tb.tb_frame.f_code.co_filename


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
