"""The submission as seen from inside the student's own interpreter (nbgrader's in-kernel path).

Trusts the kernel's objects as they are: this is the path nbgrader always had, kept so that
``nbgrader autograde`` works on this course. ``cnngrader`` itself uses ``RemoteSubmission``.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Mapping
from typing import Any

import torch

from cnngrader.read.uses import names_used
from cnngrader.testing import NotAttempted, StudentError


class LocalSubmission:
    """Answers from a namespace (a kernel's ``globals()``) without any confinement."""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self._ns = namespace

    def _get(self, name: str) -> Any:
        if name not in self._ns:
            raise NotAttempted(f"{name} is not defined: run the cell that defines it")
        return self._ns[name]

    def value(self, name: str) -> Any:
        return self._get(name)

    def function(self, name: str) -> Callable[..., Any]:
        fn = self._get(name)
        if not callable(fn):
            raise StudentError(f"{name} should be a function, found {type(fn).__name__}")
        return functools.partial(_call, name, fn)

    def model(self, class_name: str, *args: Any, **kwargs: Any) -> torch.nn.Module:
        cls = self._get(class_name)
        module = _call(class_name, cls, *args, **kwargs)
        if not isinstance(module, torch.nn.Module):
            raise StudentError(
                f"{class_name}(...) should build a torch.nn.Module, found {type(module).__name__}"
            )
        return module

    def uses(self, name: str) -> frozenset[str]:
        """From the kernel's input history (``In``), else from the source of the object itself."""
        history = self._ns.get("In")
        if isinstance(history, list) and all(isinstance(cell, str) for cell in history):
            sources = list(history)
        else:
            sources = _own_source(self._ns.get(name))
        return names_used(sources, name, known=_modules(self._ns))


def _own_source(obj: Any) -> list[str]:
    try:
        return [inspect.getsource(obj)] if obj is not None else []
    except (OSError, TypeError):
        return []


def _modules(namespace: Mapping[str, Any]) -> dict[str, str]:
    """Top-level names of the kernel that hold modules or library functions, by their dotted names."""
    known = {}
    for alias, value in namespace.items():
        if isinstance(value, types.ModuleType):
            known[alias] = value.__name__
        elif callable(value) and str(getattr(value, "__module__", "") or "").startswith("torch"):
            known[alias] = f"{value.__module__}.{getattr(value, '__name__', alias)}"
    return known


def _call(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted(f"{name} still raises NotImplementedError: replace the stub") from None
    except Exception as exc:
        raise StudentError(f"{name}(...) raised {type(exc).__name__}: {exc}") from None
