"""What a submission answered, as its record keeps it: plain JSON, small, whatever the student wrote.

The hidden tests read values with ``sub.value(name)``; the judge keeps a copy of each for item
analysis (which option was chosen, which wrong number was common). A copy is plain JSON (lists
for tuples and sets, nested lists for small tensors) and capped, so a student cannot grow the
record: anything larger becomes ``{"omitted": "what it was"}``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import torch

MAX_ANSWER_CHARS = 300  # the JSON of one answer
MAX_ANSWERS = 64  # names per submission (a suite reads a fixed handful; this only bounds the record)
MAX_DEPTH = 8


def omitted(what: str) -> dict[str, str]:
    return {"omitted": what}


def recorded_answer(value: Any) -> Any:
    """``value`` as a record keeps it: plain JSON of at most ``MAX_ANSWER_CHARS`` characters."""
    plain = _plain(value, 0)
    text = json.dumps(plain, ensure_ascii=False)
    if len(text) <= MAX_ANSWER_CHARS:
        return plain
    return omitted(f"{_kind(value)} of {len(text):,} characters as JSON")


def _plain(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return omitted("nested too deeply")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [_plain(v, depth + 1) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, torch.Tensor):
        return _tensor(value, depth)
    return omitted(type(value).__name__)


def _tensor(value: torch.Tensor, depth: int) -> Any:
    if value.is_complex() or value.numel() * 12 > MAX_ANSWER_CHARS:  # too many numbers to keep
        return omitted(f"a tensor of shape {tuple(value.shape)}")
    return _plain(value.detach().cpu().tolist(), depth)


def _kind(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    return f"a {type(value).__name__}"
