"""The wire format: every value type round-trips, limits hold, nothing is ever unpickled."""

from __future__ import annotations

import json
import math
import pickle
import socket
import struct

import pytest
import safetensors.torch
import torch

from cnngrader.confine.shared.wire import (
    MAX_DEPTH,
    MAX_HEADER_BYTES,
    PREFIX,
    Frame,
    WireError,
    decode_header,
    decode_value,
    encode_frame,
    pack,
    recv_frame,
    send_frame,
    tensors_from_bytes,
    tensors_payload,
    tensors_to_bytes,
    unpack,
)
from cnngrader.confine.trusted.channel import Channel

VALUES = [
    0, -7, 2**70, 3.5, -0.0, "", "héllo ✓", True, False, None,
    [1, [2, [3]]], (1, "a", (2.0,)), (), [], {"a": 1, "b": [1, 2]}, {1: "x", (1, 2): None},
    {"C", "a"}, frozenset({1, 2}), set(), {"nested": ({"deep": frozenset({"x"})},)},
]


def roundtrip(value):
    return unpack(Frame(*_through_bytes(pack({}, {"v": value}))), "v")


def _through_bytes(frame: Frame) -> tuple[dict, bytes]:
    data = encode_frame(frame)
    header_len, _ = PREFIX.unpack(data[: PREFIX.size])
    header = decode_header(data[PREFIX.size : PREFIX.size + header_len])
    return header, data[PREFIX.size + header_len :]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_plain_values_round_trip_with_their_types(value):
    back = roundtrip(value)
    assert back == value
    assert type(back) is type(value)


def test_bool_and_int_stay_distinct():
    assert [type(v) for v in roundtrip([True, 1, 1.0])] == [bool, int, float]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_round_trip(value):
    back = roundtrip(value)
    assert math.isnan(back) if math.isnan(value) else back == value


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64, torch.uint8,
                                   torch.bool, torch.bfloat16])
def test_tensors_round_trip(dtype):
    tensor = (torch.arange(24).reshape(2, 3, 4) % 3).to(dtype)
    back = roundtrip({"t": tensor, "pair": (tensor[0], tensor.transpose(0, 2))})
    assert torch.equal(back["t"], tensor) and back["t"].dtype == dtype
    assert torch.equal(back["pair"][1], tensor.transpose(0, 2))


def test_scalar_empty_and_grad_tensors_arrive_plain():
    weight = torch.nn.Parameter(torch.ones(2))
    back = roundtrip([torch.tensor(3.0), torch.zeros(0, 5), weight * 2])
    assert back[0].shape == () and back[1].shape == (0, 5)
    assert not back[2].requires_grad and type(back[2]) is torch.Tensor


def test_unknown_types_are_refused_when_encoding():
    with pytest.raises(WireError, match="complex"):
        pack({}, {"v": 1j})


@pytest.mark.parametrize("bad", [
    {"$unknown": []}, {"a": 1}, {"$tuple": [], "$set": []}, {"$float": "1e999"}, {"$tensor": "t9"},
    {"$set": [[1, 2]]}, {"$dict": [[[1], 2]]},
])
def test_malformed_values_are_refused(bad):
    with pytest.raises(WireError):
        decode_value(bad, {})


def test_nesting_is_limited():
    deep: list = []
    for _ in range(MAX_DEPTH + 2):
        deep = [deep]
    with pytest.raises(WireError, match="deeper"):
        decode_value(deep, {})
    with pytest.raises(WireError, match="deeper"):
        pack({}, {"v": deep})


def test_bare_nan_in_a_header_is_refused():
    with pytest.raises(WireError):
        decode_header(b'{"v": NaN}')


def test_oversized_frames_are_refused_before_reading():
    with pytest.raises(WireError, match="header"):
        encode_frame(Frame({"x": "a" * (MAX_HEADER_BYTES + 1)}))
    with pytest.raises(WireError, match="payload"):
        encode_frame(Frame({}, b"x" * 101), max_payload=100)
    a, b = socket.socketpair()
    with a, b:
        a.sendall(PREFIX.pack(10, 10**9))  # claims a gigabyte: refused from the prefix alone
        with pytest.raises(WireError, match="payload"):
            recv_frame(b, max_payload=1000)


def test_channel_reads_frames_with_a_deadline():
    import time

    from cnngrader.confine.trusted.channel import ChannelClosed, ChannelTimeout

    a, b = socket.socketpair()
    channel = Channel(a, max_payload=1 << 20)
    send_frame(b, pack({"n": 1}, {"t": torch.ones(3)}))
    frame = channel.recv(time.monotonic() + 1)
    assert torch.equal(unpack(frame, "t"), torch.ones(3))
    started = time.monotonic()
    with pytest.raises(ChannelTimeout):
        channel.recv(time.monotonic() + 0.2)
    assert time.monotonic() - started < 1
    b.close()
    with pytest.raises(ChannelClosed):
        channel.recv(time.monotonic() + 1)
    channel.close()


MIXED = {"w": torch.randn(300, 200), "n": torch.arange(5), "flag": torch.tensor([True, False]),
         "h": torch.ones(2, dtype=torch.bfloat16), "empty": torch.zeros(0, 3), "s": torch.tensor(2.5),
         "strided": torch.randn(40, 30).t()}


def test_a_gathered_payload_is_the_same_safetensors_over_the_tensors_own_memory():
    gathered = tensors_payload(MIXED)
    assert bytes(gathered) == bytes(tensors_to_bytes(MIXED)) and gathered.nbytes == len(bytes(gathered))
    pointers = {part.obj.ctypes.data for part in gathered.parts[1:] if hasattr(part.obj, "ctypes")}
    assert MIXED["w"].data_ptr() in pointers  # not copied before the kernel takes it


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_a_gathered_frame_crosses_whole_in_pieces_larger_than_the_socket_buffer(timeout):
    import threading
    import time

    big = {**MIXED, "big": torch.randn(3_000_000)}  # 12 MB: many partial writes
    a, b = socket.socketpair()
    b.settimeout(timeout)  # with a timeout, the socket is non-blocking underneath
    channel = Channel(a, max_payload=64 << 20)
    sender = threading.Thread(target=send_frame, args=(b, Frame({"k": 1}, tensors_payload(big))), kwargs={
        "max_payload": 64 << 20})
    sender.start()
    frame = channel.recv(time.monotonic() + 30)
    sender.join()
    assert frame.header == {"k": 1}
    back = tensors_from_bytes(frame.payload)
    assert back.keys() == big.keys() and all(torch.equal(back[k], big[k]) for k in big)
    assert unpack(Frame(*_through_bytes(pack({}, {"v": (big["w"], 3)}, gather=True))), "v")[0].equal(big["w"])
    channel.close()
    b.close()


class Bait:
    """Unpickling this runs code: it must never happen to anything a child sends."""

    fired = False

    def __reduce__(self):
        return (Bait.fire, ())

    @staticmethod
    def fire():
        Bait.fired = True


def test_pickle_payloads_are_not_tensors():
    payload = pickle.dumps({"t0": Bait()})
    frame = Frame({"v": {"$tensor": "t0"}}, payload)
    with pytest.raises(WireError):
        unpack(frame, "v")
    assert not Bait.fired


def test_objects_with_reduce_cannot_be_sent():
    with pytest.raises(WireError):
        pack({}, {"v": Bait()})
    assert not Bait.fired


# --- the safetensors payload, written and read here --------------------------------------------


def _payload(header: dict, data: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def test_payloads_are_safetensors_both_ways():
    """What is written here is what the safetensors package reads, and the other way round."""
    tensors = {"w": torch.randn(3, 4), "n": torch.arange(5), "flag": torch.tensor([True, False]),
               "h": torch.ones(2, dtype=torch.bfloat16), "empty": torch.zeros(0, 3), "s": torch.tensor(2.5)}
    for read in (safetensors.torch.load(bytes(tensors_to_bytes(tensors))),
                 tensors_from_bytes(safetensors.torch.save(tensors))):
        assert read.keys() == tensors.keys()
        for name, back in read.items():
            assert torch.equal(back, tensors[name]) and back.dtype == tensors[name].dtype


def test_tensors_read_are_independent_and_not_copied():
    payload = tensors_to_bytes({"a": torch.ones(1000), "b": torch.ones(1000)})
    start = torch.frombuffer(payload, dtype=torch.uint8).data_ptr()
    a, b = tensors_from_bytes(payload).values()
    assert start <= a.data_ptr() < start + len(payload)  # read in place
    a.mul_(3)  # one storage each: autograd's count of in-place changes is not shared
    assert b._version == 0 and torch.equal(b, torch.ones(1000))


def test_a_tensor_not_aligned_for_its_dtype_is_copied_and_read_right():
    data = bytes([7]) + struct.pack("<3f", 1.0, 2.0, 3.0)
    header = {"u": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},
              "f": {"dtype": "F32", "shape": [3], "data_offsets": [1, 13]}}
    back = tensors_from_bytes(bytearray(_payload(header, data)))
    assert back["f"].tolist() == [1.0, 2.0, 3.0] and back["u"].tolist() == [7]


F32 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}


@pytest.mark.parametrize(("header", "data"), [
    ({"a": {**F32, "data_offsets": [0, 12]}}, bytes(12)),  # the size does not match the shape
    ({"a": F32}, bytes(12)),  # bytes after the last tensor
    ({"a": F32, "b": {**F32, "data_offsets": [4, 12]}}, bytes(12)),  # overlapping
    ({"a": F32, "b": {**F32, "data_offsets": [12, 20]}}, bytes(20)),  # a gap
    ({"a": {**F32, "data_offsets": [0, 16]}}, bytes(8)),  # beyond the data
    ({"a": {**F32, "dtype": "PICKLE"}}, bytes(8)),
    ({"a": {**F32, "shape": [-1, -2]}}, bytes(8)),
    ({"a": {**F32, "shape": [True, 2]}}, bytes(8)),
    ({"a": {**F32, "extra": 1}}, bytes(8)),
    ({"a": {"dtype": "F32", "shape": [0, 2**70], "data_offsets": [0, 0]}}, b""),
    ({"__metadata__": {"k": 1}}, b""),
    ([1, 2], b""),
])
def test_malformed_safetensors_payloads_are_refused(header, data):
    with pytest.raises(WireError, match="safetensors"):
        tensors_from_bytes(_payload(header, data))


@pytest.mark.parametrize("payload", [
    b"", b"\x01\x02", struct.pack("<Q", 2**40) + b"{}", struct.pack("<Q", 3) + b"{}x",
    struct.pack("<Q", 2) + b"\xff\xfe",
])
def test_truncated_or_garbled_payloads_are_refused(payload):
    with pytest.raises(WireError, match="safetensors"):
        tensors_from_bytes(payload)
