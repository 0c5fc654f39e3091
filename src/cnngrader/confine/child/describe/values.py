"""Child side: the student's values as plain data that the wire can carry.

numpy arrays become tensors, numpy scalars Python numbers, ``torch.Size`` a tuple, parameters
plain detached tensors. Anything else cannot be graded and says so by its type name.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

MAX_DEPTH = 32


class Unsendable(Exception):
    """A value of a type that the grader cannot read."""


def to_plain(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise Unsendable(f"a value nested deeper than {MAX_DEPTH} levels")
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, torch.Tensor):
        return value.detach().as_subclass(torch.Tensor)
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, np.generic):
        return to_plain(value.item(), depth + 1)
    if isinstance(value, torch.Size):
        return tuple(int(v) for v in value)
    if isinstance(value, tuple):
        return tuple(to_plain(v, depth + 1) for v in value)
    if isinstance(value, list):
        return [to_plain(v, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        items = (to_plain(v, depth + 1) for v in value)
        return set(items) if isinstance(value, set) else frozenset(items)
    if isinstance(value, dict):
        return {to_plain(k, depth + 1): to_plain(v, depth + 1) for k, v in value.items()}
    raise Unsendable(f"a value of type {type(value).__name__}")


def _array(value: np.ndarray) -> torch.Tensor:
    if value.dtype == object or value.dtype.kind not in "biuf":
        raise Unsendable(f"a numpy array of dtype {value.dtype}")
    return torch.from_numpy(np.ascontiguousarray(value))
