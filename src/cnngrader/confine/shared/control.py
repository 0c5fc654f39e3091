"""Messages between the judge and the zygote: one JSON object per SOCK_SEQPACKET datagram,
optionally carrying file descriptors (SCM_RIGHTS)."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Sequence
from typing import Any

MAX_CONTROL_BYTES = 64 * 1024
MAX_FDS = 4


class ControlError(Exception):
    """The zygote did not answer in time, answered nonsense, or is gone."""


def send_message(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    data = json.dumps(message, separators=(",", ":")).encode()
    if len(data) > MAX_CONTROL_BYTES:
        raise ControlError(f"control message of {len(data)} bytes is too large")
    try:
        if fds:
            socket.send_fds(sock, [data], list(fds))
        else:
            sock.send(data)
    except OSError as exc:
        raise ControlError(f"cannot reach the zygote: {exc}") from None


def recv_message(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """Blocking receive; ``(None, [])`` once the peer has closed."""
    data, fds, _flags, _addr = socket.recv_fds(sock, MAX_CONTROL_BYTES, MAX_FDS)
    if not data:
        return None, fds
    try:
        message = json.loads(data)
    except ValueError:
        message = None
    if not isinstance(message, dict):
        raise ControlError("control message is not a JSON object")
    return message, fds


def recv_before(sock: socket.socket, deadline: float) -> dict[str, Any]:
    """Receive one message before ``deadline`` (monotonic seconds); fds, if any, are closed."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ControlError("the zygote did not answer in time")
        if poller.poll(max(1, int(remaining * 1000))):
            break
    try:
        message, fds = recv_message(sock)
    except OSError as exc:
        raise ControlError(f"cannot read from the zygote: {exc}") from None
    for fd in fds:
        socket.close(fd)
    if message is None:
        raise ControlError("the zygote has exited")
    return message
