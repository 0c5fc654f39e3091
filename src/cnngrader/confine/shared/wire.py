"""Frames and values that cross between the confined child and the trusted side.

A frame is two 4-byte big-endian lengths (header, payload), a JSON header and an optional
binary payload. Values are tagged JSON; tensors travel together in one safetensors payload
and are referenced from the JSON by name. JSON and safetensors are the only decoders used on
what a child sends: nothing is ever unpickled.

The safetensors payload is written and read here, to the format's own rules, rather than by the
safetensors package: its ``save`` and ``load`` copy every byte three and two times, and for the
4.2 M weights of the lecture's FCNN (16.8 MB) that was most of the 0.1 s a description took to
cross. The child sends a payload in pieces (:class:`Gathered`: the safetensors header, then each
tensor's own memory) with one ``writev``, so its tensors are not copied at all before the kernel
takes them; the trusted side reads the payload into one buffer whose tensors are views.
The reader checks what the format requires (a known dtype, sizes that match shapes, offsets
that tile the data exactly) before any tensor is made, and a tensor that is not aligned for its
dtype is copied out rather than viewed.
"""

from __future__ import annotations

import json
import math
import os
import select
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

from cnngrader.confine.shared.limits import MiB

PREFIX = struct.Struct("!II")
SAFETENSORS_LENGTH = struct.Struct("<Q")
ALIGN = 64  # the payload's data starts this aligned (the header is padded with spaces, as the format allows)
MAX_DIMS = 64
MAX_TENSOR_HEADER_BYTES = 16 * MiB  # a safetensors header lists every tensor (a model's, too)
MAX_HEADER_BYTES = 1 * MiB
DEFAULT_MAX_PAYLOAD = 256 * MiB
MAX_DEPTH = 32
MAX_ITEMS = 200_000

_FLOAT_TAGS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_TAGS = ("$tuple", "$set", "$frozenset", "$dict", "$float", "$tensor")


# safetensors' names of torch's dtypes (those this torch has).
_DTYPE_NAMES = {
    "F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64",
    "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8", "BOOL": "bool", "F8_E4M3": "float8_e4m3fn",
    "F8_E4M3FNUZ": "float8_e4m3fnuz", "F8_E5M2": "float8_e5m2", "F8_E5M2FNUZ": "float8_e5m2fnuz",
    "C64": "complex64", "U64": "uint64", "U32": "uint32", "U16": "uint16",
}
DTYPES: dict[str, torch.dtype] = {
    name: getattr(torch, attr)
    for name, attr in _DTYPE_NAMES.items()
    if isinstance(getattr(torch, attr, None), torch.dtype)
}
_NAME_OF = {dtype: name for name, dtype in DTYPES.items()}


@dataclass(frozen=True)
class Gathered:
    """A payload in pieces, sent one after the other: a safetensors header, then each tensor's memory.

    What a child sends (:func:`tensors_payload`): nothing is copied before the kernel reads the
    pieces. Its bytes are those of :func:`tensors_to_bytes` for the same tensors.
    """

    parts: tuple[memoryview, ...]
    nbytes: int

    def __bytes__(self) -> bytes:
        return b"".join(self.parts)


Payload = bytes | bytearray | memoryview  # what arrives: one buffer


def joined(payload: Payload | Gathered) -> Payload:
    """A payload as one buffer (a :class:`Gathered` one is joined: a copy)."""
    return bytes(payload) if isinstance(payload, Gathered) else payload


class WireError(Exception):
    """A frame or value that breaks the format or its limits."""


@dataclass(frozen=True)
class Frame:
    """One message: a JSON object and the bytes of its tensors."""

    header: dict[str, Any]
    payload: Payload | Gathered = b""


# --- frames ---------------------------------------------------------------------------------


def payload_size(payload: Payload | Gathered) -> int:
    return payload.nbytes if isinstance(payload, Gathered) else memoryview(payload).nbytes


def encode_frame(frame: Frame, *, max_payload: int = DEFAULT_MAX_PAYLOAD) -> bytes:
    return frame_head(frame, max_payload=max_payload) + bytes(joined(frame.payload))


def frame_head(frame: Frame, *, max_payload: int = DEFAULT_MAX_PAYLOAD) -> bytes:
    """The lengths and the JSON header: what precedes the payload on the wire."""
    try:
        header = json.dumps(frame.header, allow_nan=False, separators=(",", ":")).encode()
    except (TypeError, ValueError) as exc:
        raise WireError(f"header is not plain JSON: {exc}") from None
    size = payload_size(frame.payload)
    check_sizes(len(header), size, max_payload=max_payload)
    return PREFIX.pack(len(header), size) + header


def check_sizes(header_len: int, payload_len: int, *, max_payload: int) -> None:
    if header_len > MAX_HEADER_BYTES:
        raise WireError(f"header of {header_len} bytes exceeds the limit of {MAX_HEADER_BYTES}")
    if payload_len > max_payload:
        raise WireError(f"payload of {payload_len} bytes exceeds the limit of {max_payload}")


def decode_header(data: bytes | bytearray) -> dict[str, Any]:
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
    """Blocking send, for the child side (a large payload is not joined to the head: no copy of it)."""
    head = frame_head(frame, max_payload=max_payload)
    payload = frame.payload
    if payload_size(payload) < 64 * 1024:
        sock.sendall(head + bytes(joined(payload)))
    else:
        parts = payload.parts if isinstance(payload, Gathered) else (memoryview(payload),)
        _send_all(sock, [memoryview(head), *parts])


def _send_all(sock: socket.socket, parts: list[memoryview]) -> None:
    """``writev`` until every byte of ``parts`` has gone (``sendmsg`` is refused to the child)."""
    views = [v.cast("B") for v in parts if v.nbytes]
    fd = sock.fileno()
    while views:
        try:
            sent = os.writev(fd, views[:_IOV_MAX])
        except BlockingIOError:  # a socket with a timeout is non-blocking underneath
            select.select([], [fd], [])
            continue
        while views and sent >= views[0].nbytes:
            sent -= views.pop(0).nbytes
        if sent:
            views[0] = views[0][sent:]


_IOV_MAX = 1024


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


def _recv_exact(sock: socket.socket, size: int, *, eof_ok: bool = False) -> bytearray | None:
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        n = sock.recv_into(view[got:], min(size - got, 4 * MiB))
        if not n:
            if eof_ok and not got:
                return None
            raise WireError("connection closed in the middle of a frame")
        got += n
    return buf


# --- values ---------------------------------------------------------------------------------


def pack(
    header: Mapping[str, Any], values: Mapping[str, Any] | None = None, *, gather: bool = False
) -> Frame:
    """A frame whose header holds ``header`` plus each of ``values`` encoded, tensors in the payload
    (with ``gather``, a payload in pieces over the tensors' own memory: for :func:`send_frame`)."""
    tensors: dict[str, torch.Tensor] = {}
    out = dict(header)
    for key, value in (values or {}).items():
        out[key] = encode_value(value, tensors)
    if not tensors:
        return Frame(out)
    return Frame(out, tensors_payload(tensors) if gather else tensors_to_bytes(tensors))


def unpack(frame: Frame, key: str) -> Any:
    """The value stored under ``key`` of a frame made by :func:`pack`."""
    if key not in frame.header:
        raise WireError(f"message has no {key!r}")
    tensors = tensors_from_bytes(joined(frame.payload)) if frame.payload else {}
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
    """The values on the CPU, contiguous (their bytes are copied into the payload when packed)."""
    return value.detach().to("cpu").contiguous()


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


def tensors_to_bytes(tensors: Mapping[str, torch.Tensor]) -> bytearray:
    """A safetensors payload: each tensor's bytes copied once, widest dtypes first (so each is aligned)."""
    head, flats = _safetensors_layout(tensors)
    out = bytearray(len(head) + sum(f.numel() for f in flats))
    out[: len(head)] = head
    data = torch.frombuffer(out, dtype=torch.uint8) if len(out) > len(head) else None
    offset = len(head)
    for flat in flats:  # torch's copy: a bytearray's slice assignment is ten times slower
        if data is not None and flat.numel():
            data[offset : offset + flat.numel()].copy_(flat)
        offset += flat.numel()
    return out


def tensors_payload(tensors: Mapping[str, torch.Tensor]) -> Gathered:
    """The payload of :func:`tensors_to_bytes` in pieces: the header, then each tensor's own bytes."""
    head, flats = _safetensors_layout(tensors)
    parts = [memoryview(head), *(f.numpy().data for f in flats if f.numel())]
    return Gathered(tuple(parts), len(head) + sum(f.numel() for f in flats))


def _safetensors_layout(tensors: Mapping[str, torch.Tensor]) -> tuple[bytes, list[torch.Tensor]]:
    """The length and header of a safetensors payload, and each tensor's bytes in their order."""
    items = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
    entries: dict[str, Any] = {}
    flats: list[torch.Tensor] = []
    offset = 0
    for name, tensor in items:
        if tensor.dtype not in _NAME_OF:
            raise WireError(f"a tensor of dtype {tensor.dtype} cannot be sent")
        flat = tensor.detach().to("cpu").contiguous().reshape(-1).view(torch.uint8)
        entries[name] = {"dtype": _NAME_OF[tensor.dtype], "shape": list(tensor.shape),
                         "data_offsets": [offset, offset + flat.numel()]}  # fmt: skip
        flats.append(flat)
        offset += flat.numel()
    header = json.dumps(entries, separators=(",", ":")).encode()
    header += b" " * (-(SAFETENSORS_LENGTH.size + len(header)) % ALIGN)
    return SAFETENSORS_LENGTH.pack(len(header)) + header, flats


def tensors_from_bytes(payload: Payload) -> dict[str, torch.Tensor]:
    """Tensors of a safetensors payload (a format that holds only shapes, dtypes and numbers).

    Checked as the format requires before any tensor is made. Each tensor has a storage of its
    own over the payload's bytes, which are not copied (unless the payload is read-only, or a
    tensor is not aligned for its dtype).
    """
    view = memoryview(payload).cast("B")
    if len(view) < SAFETENSORS_LENGTH.size:
        raise _invalid("too short")
    (header_len,) = SAFETENSORS_LENGTH.unpack_from(view)
    start = SAFETENSORS_LENGTH.size + header_len
    if header_len > MAX_TENSOR_HEADER_BYTES or start > len(view):
        raise _invalid(f"a header of {header_len} bytes")
    try:
        header = json.loads(bytes(view[SAFETENSORS_LENGTH.size : start]).decode("utf-8"),
                            parse_constant=_refuse_constant)  # fmt: skip
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _invalid(f"its header is not JSON ({type(exc).__name__})") from None
    entries = _entries(header, len(view) - start)
    if not entries:
        return {}
    data = view if not view.readonly else memoryview(bytearray(view))
    address = torch.frombuffer(data, dtype=torch.uint8).data_ptr()
    try:
        return {name: _tensor(data, address, start + begin, start + end, dtype, shape)
                for begin, end, name, dtype, shape in entries}  # fmt: skip
    except (RuntimeError, ValueError, OverflowError, TypeError) as exc:  # say, an empty tensor of absurd size
        raise _invalid(f"{type(exc).__name__}: {exc}") from None


def _size(value: Any) -> bool:
    return type(value) is int and value >= 0


def _invalid(why: str) -> WireError:
    return WireError(f"payload is not valid safetensors: {why}")


def _entries(header: Any, data_len: int) -> list[tuple[int, int, str, torch.dtype, tuple[int, ...]]]:
    """The header's tensors, sorted by offset, once every rule of the format is met."""
    if type(header) is not dict:
        raise _invalid("its header is not an object")
    entries = []
    for name, entry in header.items():
        if name == "__metadata__":
            if type(entry) is not dict or not all(type(v) is str for v in entry.values()):
                raise _invalid("malformed metadata")
            continue
        if type(entry) is not dict or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise _invalid(f"malformed entry {name!r}")
        dtype, shape, offsets = DTYPES.get(entry["dtype"]) if type(entry["dtype"]) is str else None, \
            entry["shape"], entry["data_offsets"]  # fmt: skip
        if dtype is None:
            raise _invalid(f"unknown dtype {entry['dtype']!r}")
        if type(shape) is not list or len(shape) > MAX_DIMS or not all(_size(d) for d in shape):
            raise _invalid(f"malformed shape of {name!r}")
        if type(offsets) is not list or len(offsets) != 2 or any(type(o) is not int for o in offsets):
            raise _invalid(f"malformed offsets of {name!r}")
        begin, end = offsets
        if not 0 <= begin <= end <= data_len or end - begin != math.prod(shape) * dtype.itemsize:
            raise _invalid(f"the size of {name!r} does not match its shape")
        entries.append((begin, end, name, dtype, tuple(shape)))
    entries.sort(key=lambda e: (e[0], e[1]))
    position = 0
    for begin, end, name, _, _ in entries:
        if begin != position:
            raise _invalid(f"{name!r} overlaps or leaves a gap")
        position = end
    if position != data_len:
        raise _invalid("bytes after the last tensor")
    return entries


def _tensor(
    data: memoryview, address: int, begin: int, end: int, dtype: torch.dtype, shape: tuple[int, ...]
) -> torch.Tensor:
    """A tensor on its own storage over the payload's bytes (one storage per tensor: tensors that
    shared one would share autograd's count of in-place changes, and training one would upset the others)."""
    if begin == end:
        return torch.empty(shape, dtype=dtype)
    count = (end - begin) // dtype.itemsize
    if (address + begin) % dtype.itemsize:
        data, begin = memoryview(bytearray(data[begin:end])), 0  # copied to memory aligned for it
    return torch.frombuffer(data, dtype=dtype, count=count, offset=begin).view(shape)
