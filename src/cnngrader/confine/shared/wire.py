"""Frames and values that cross between the confined child and the trusted side.

A frame is two 4-byte big-endian lengths (header, payload), a JSON header and an optional
binary payload. Values are tagged JSON; tensors travel together in one safetensors payload
and are referenced from the JSON by name. JSON and safetensors are the only decoders used on
what a child sends: nothing is ever unpickled.
"""

from __future__ import annotations

import json
import math
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from cnngrader.confine.shared.limits import MiB

PREFIX = struct.Struct("!II")
MAX_HEADER_BYTES = 1 * MiB
DEFAULT_MAX_PAYLOAD = 256 * MiB
MAX_DEPTH = 32
MAX_ITEMS = 200_000

_FLOAT_TAGS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_TAGS = ("$tuple", "$set", "$frozenset", "$dict", "$float", "$tensor")


class WireError(Exception):
    """A frame or value that breaks the format or its limits."""


@dataclass(frozen=True)
class Frame:
    """One message: a JSON object and the bytes of its tensors."""

    header: dict[str, Any]
    payload: bytes = b""


# --- frames ---------------------------------------------------------------------------------


def encode_frame(frame: Frame, *, max_payload: int = DEFAULT_MAX_PAYLOAD) -> bytes:
    try:
        header = json.dumps(frame.header, allow_nan=False, separators=(",", ":")).encode()
    except (TypeError, ValueError) as exc:
        raise WireError(f"header is not plain JSON: {exc}") from None
    check_sizes(len(header), len(frame.payload), max_payload=max_payload)
    return PREFIX.pack(len(header), len(frame.payload)) + header + frame.payload


def check_sizes(header_len: int, payload_len: int, *, max_payload: int) -> None:
    if header_len > MAX_HEADER_BYTES:
        raise WireError(f"header of {header_len} bytes exceeds the limit of {MAX_HEADER_BYTES}")
    if payload_len > max_payload:
        raise WireError(f"payload of {payload_len} bytes exceeds the limit of {max_payload}")


def decode_header(data: bytes) -> dict[str, Any]:
    try:
        header = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"header is not valid JSON: {type(exc).__name__}") from None
    if not isinstance(header, dict):
        raise WireError("header must be a JSON object")
    return header


def _refuse_constant(name: str) -> None:
    raise ValueError(f"bare {name} is not allowed (floats that are not finite are tagged)")


def send_frame(sock: socket.socket, frame: Frame, *, max_payload: int = DEFAULT_MAX_PAYLOAD) -> None:
    """Blocking send, for the child side."""
    sock.sendall(encode_frame(frame, max_payload=max_payload))


def recv_frame(sock: socket.socket, *, max_payload: int = DEFAULT_MAX_PAYLOAD) -> Frame | None:
    """Blocking receive, for the child side; ``None`` when the peer closed between frames."""
    prefix = _recv_exact(sock, PREFIX.size, eof_ok=True)
    if prefix is None:
        return None
    header_len, payload_len = PREFIX.unpack(prefix)
    check_sizes(header_len, payload_len, max_payload=max_payload)
    header = decode_header(_recv_exact(sock, header_len) or b"")
    payload = (_recv_exact(sock, payload_len) or b"") if payload_len else b""
    return Frame(header, payload)


def _recv_exact(sock: socket.socket, size: int, *, eof_ok: bool = False) -> bytes | None:
    buf = bytearray()
    while len(buf) < size:
        chunk = sock.recv(min(size - len(buf), 1 * MiB))
        if not chunk:
            if eof_ok and not buf:
                return None
            raise WireError("connection closed in the middle of a frame")
        buf += chunk
    return bytes(buf)


# --- values ---------------------------------------------------------------------------------


def pack(header: Mapping[str, Any], values: Mapping[str, Any] | None = None) -> Frame:
    """A frame whose header holds ``header`` plus each of ``values`` encoded, tensors in the payload."""
    tensors: dict[str, torch.Tensor] = {}
    out = dict(header)
    for key, value in (values or {}).items():
        out[key] = encode_value(value, tensors)
    return Frame(out, tensors_to_bytes(tensors) if tensors else b"")


def unpack(frame: Frame, key: str) -> Any:
    """The value stored under ``key`` of a frame made by :func:`pack`."""
    if key not in frame.header:
        raise WireError(f"message has no {key!r}")
    tensors = tensors_from_bytes(frame.payload) if frame.payload else {}
    return decode_value(frame.header[key], tensors)


def encode_value(value: Any, tensors: dict[str, torch.Tensor], depth: int = 0) -> Any:
    """Tagged JSON for a plain value; tensors are added to ``tensors`` and referenced by name."""
    if depth > MAX_DEPTH:
        raise WireError(f"value is nested deeper than {MAX_DEPTH} levels")
    if value is None or type(value) in (bool, str, int):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, torch.Tensor):
        name = f"t{len(tensors)}"
        tensors[name] = plain_tensor(value)
        return {"$tensor": name}
    if type(value) is list:
        return [encode_value(v, tensors, depth + 1) for v in value]
    if type(value) is tuple:
        return {"$tuple": [encode_value(v, tensors, depth + 1) for v in value]}
    if type(value) in (set, frozenset):
        tag = "$set" if type(value) is set else "$frozenset"
        return {tag: [encode_value(v, tensors, depth + 1) for v in value]}
    if type(value) is dict:
        return {"$dict": [[encode_value(k, tensors, depth + 1), encode_value(v, tensors, depth + 1)]
                          for k, v in value.items()]}
    raise WireError(f"a value of type {type(value).__name__} cannot be sent")


def plain_tensor(value: torch.Tensor) -> torch.Tensor:
    # clone(): safetensors refuses tensors that share storage, and views of big storages.
    return value.detach().to("cpu").contiguous().clone()


def decode_value(data: Any, tensors: Mapping[str, torch.Tensor]) -> Any:
    """The value of tagged JSON made by :func:`encode_value`; refuses anything else."""
    budget = [MAX_ITEMS]
    return _decode(data, tensors, 0, budget)


def _decode(data: Any, tensors: Mapping[str, torch.Tensor], depth: int, budget: list[int]) -> Any:
    if depth > MAX_DEPTH:
        raise WireError(f"value is nested deeper than {MAX_DEPTH} levels")
    budget[0] -= 1
    if budget[0] < 0:
        raise WireError(f"value has more than {MAX_ITEMS} items")
    if data is None or type(data) in (bool, str, int, float):
        return data
    if type(data) is list:
        return [_decode(v, tensors, depth + 1, budget) for v in data]
    if type(data) is not dict or len(data) != 1:
        raise WireError("malformed value: objects must carry exactly one tag")
    ((tag, body),) = data.items()
    if tag == "$float":
        if body not in _FLOAT_TAGS:
            raise WireError(f"unknown float {body!r}")
        return _FLOAT_TAGS[body]
    if tag == "$tensor":
        if type(body) is not str or body not in tensors:
            raise WireError(f"value refers to a missing tensor {body!r}")
        return tensors[body]
    if tag not in _TAGS or type(body) is not list:
        raise WireError(f"unknown tag {tag!r}")
    if tag == "$dict":
        return _decode_dict(body, tensors, depth, budget)
    items = [_decode(v, tensors, depth + 1, budget) for v in body]
    if tag == "$tuple":
        return tuple(items)
    try:
        return set(items) if tag == "$set" else frozenset(items)
    except TypeError:
        raise WireError("set holds an unhashable item") from None


def _decode_dict(
    body: list[Any], tensors: Mapping[str, torch.Tensor], depth: int, budget: list[int]
) -> dict[str, Any]:
    out = {}
    for pair in body:
        if type(pair) is not list or len(pair) != 2:
            raise WireError("malformed dict item")
        key = _decode(pair[0], tensors, depth + 1, budget)
        try:
            hash(key)
        except TypeError:
            raise WireError("dict key is not hashable") from None
        out[key] = _decode(pair[1], tensors, depth + 1, budget)
    return out


def tensors_to_bytes(tensors: Mapping[str, torch.Tensor]) -> bytes:
    return save_tensors(dict(tensors))


def tensors_from_bytes(payload: bytes) -> dict[str, torch.Tensor]:
    """Tensors of a safetensors payload (a format that holds only shapes, dtypes and numbers)."""
    try:
        return load_tensors(payload)
    except Exception as exc:  # safetensors raises its own SafetensorError and others
        raise WireError(f"payload is not valid safetensors: {type(exc).__name__}: {exc}") from None
