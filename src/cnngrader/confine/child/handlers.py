"""Child side: answer the trusted side's probes about the notebook's namespace, with data only."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from typing import Any

import torch

from cnngrader.confine.child.describe import DescribeError, Unsendable, describe_model, to_plain
from cnngrader.confine.shared.probes import ProbeFailed, ProbeFailure, ProbeOp, failure_header
from cnngrader.confine.shared.wire import Frame, WireError, pack, tensors_payload, unpack


@contextlib.contextmanager
def functional_dropout_off() -> Iterator[None]:
    """Functional dropout as the trusted side rebuilds it: a dropout layer, so off in eval mode.

    ``F.dropout(x, 0.3)`` drops even in eval mode (its ``training`` defaults to True); the
    rebuilt model turns it off there. The student's forward is asked under the same reading, so
    that the two agree, as they do for ``nn.Dropout``.
    """
    F = torch.nn.functional
    originals = [(F, name, getattr(F, name)) for name in ("dropout", "dropout1d", "dropout2d")]
    originals.append((torch, "dropout", torch.dropout))
    try:
        for owner, name, original in originals:
            setattr(owner, name, _never_dropping(original, functional=owner is F))
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def _never_dropping(original: Callable[..., Any], *, functional: bool) -> Callable[..., Any]:
    def call(input: Any, *args: Any, **kwargs: Any) -> Any:
        return original(input, training=False) if functional else original(input, 0.0, False)

    return call


class Handlers:
    """One method per probe; each returns a reply frame and never raises."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.models: dict[int, torch.nn.Module] = {}
        self._ops: dict[ProbeOp, Callable[[Frame], Frame]] = {
            ProbeOp.VALUE: self.value,
            ProbeOp.LOOKUP: self.lookup,
            ProbeOp.CALL: self.call,
            ProbeOp.INSTANTIATE: self.instantiate,
            ProbeOp.DESCRIBE: self.describe,
            ProbeOp.FORWARD: self.forward,
        }

    def answer(self, request: Frame) -> Frame:
        ident = request.header.get("id")
        try:
            reply = self._ops[_op(request)](request)
        except ProbeFailed as failed:
            reply = Frame(failed.header())
        except BaseException as exc:  # the student's code raised (SystemExit included)
            reply = Frame(failure_header(ProbeFailure.RAISED, _message(exc), _type_name(exc)))
        reply.header.update(id=ident)
        return reply

    def value(self, request: Frame) -> Frame:
        return _reply_value(self._lookup(request.header.get("name")))

    def lookup(self, request: Frame) -> Frame:
        name = request.header.get("name")
        if not isinstance(name, str) or name not in self.namespace:
            return Frame({"ok": True, "defined": False, "callable": False, "type": ""})
        obj = self.namespace[name]
        return Frame({"ok": True, "defined": True, "callable": callable(obj), "type": type(obj).__name__})

    def call(self, request: Frame) -> Frame:
        fn = self._callable(request.header.get("name"))
        args, kwargs = _arguments(request)
        return _reply_value(fn(*args, **kwargs))

    def instantiate(self, request: Frame) -> Frame:
        cls = self._callable(request.header.get("name"))
        args, kwargs = _arguments(request)
        _seed(int(request.header.get("seed", 0)))  # the same weights if a fresh child rebuilds it
        model = cls(*args, **kwargs)
        if not isinstance(model, torch.nn.Module):
            raise ProbeFailed(ProbeFailure.INVALID, f"built a {type(model).__name__}, not a torch.nn.Module",
                              type(model).__name__)
        handle = len(self.models) + 1
        self.models[handle] = model
        return Frame({"ok": True, "handle": handle})

    def describe(self, request: Frame) -> Frame:
        model = self._model(request)
        try:
            description, tensors = describe_model(model)
        except DescribeError as exc:
            raise ProbeFailed(ProbeFailure.UNSUPPORTED, str(exc)) from None
        return Frame({"ok": True, "description": description}, tensors_payload(tensors))

    def forward(self, request: Frame) -> Frame:
        model = self._model(request)
        inputs = unpack(request, "inputs")
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad(), functional_dropout_off():
                output = model(*inputs)
        finally:
            model.train(was_training)
        return _reply_value(output)

    def _lookup(self, name: Any) -> Any:
        if not isinstance(name, str) or name not in self.namespace:
            raise ProbeFailed(ProbeFailure.MISSING, f"{name} is not defined")
        return self.namespace[name]

    def _callable(self, name: Any) -> Any:
        obj = self._lookup(name)
        if not callable(obj):
            kind = type(obj).__name__
            raise ProbeFailed(ProbeFailure.INVALID, f"{name} is a {kind}, not callable", kind)
        return obj

    def _model(self, request: Frame) -> torch.nn.Module:
        handle = request.header.get("handle")
        if handle not in self.models:
            raise ProbeFailed(ProbeFailure.INVALID, f"no model with handle {handle!r}")
        return self.models[handle]


def _op(request: Frame) -> ProbeOp:
    try:
        return ProbeOp(request.header.get("op"))
    except ValueError:
        raise ProbeFailed(ProbeFailure.INVALID, f"unknown probe {request.header.get('op')!r}") from None


def _arguments(request: Frame) -> tuple[list[Any], dict[str, Any]]:
    args, kwargs = unpack(request, "args"), unpack(request, "kwargs")
    if not isinstance(args, (list, tuple)) or not isinstance(kwargs, dict):
        raise ProbeFailed(ProbeFailure.INVALID, "malformed arguments")
    return list(args), {str(k): v for k, v in kwargs.items()}


def _reply_value(value: Any) -> Frame:
    try:
        return pack({"ok": True}, {"value": to_plain(value)}, gather=True)
    except (Unsendable, WireError) as exc:
        raise ProbeFailed(ProbeFailure.UNSENDABLE, str(exc), type(value).__name__) from None


def _seed(seed: int) -> None:
    torch.manual_seed(seed)
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % 2**32)
    except ImportError:
        pass


def _type_name(exc: BaseException) -> str:
    try:
        return str(type(exc).__name__)[:100]
    except Exception:
        return "Exception"


def _message(exc: BaseException) -> str:
    try:
        lines = str(exc).strip().splitlines()
    except Exception:
        return ""
    return lines[0][:500] if lines else ""

