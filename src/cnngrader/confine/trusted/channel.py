"""The trusted side of a child's socket: whole frames, each read or written before a deadline.

The trusted side never blocks on a child: every wait is a ``poll`` bounded by a monotonic
deadline, and a frame's declared sizes are checked before its bytes are read.
"""

from __future__ import annotations

import select
import socket
import time

from cnngrader.confine.shared.limits import MiB
from cnngrader.confine.shared.wire import PREFIX, Frame, check_sizes, decode_header, frame_head, joined


class ChannelTimeout(Exception):
    """The deadline passed before the frame was complete."""


class ChannelClosed(Exception):
    """The peer closed the connection (or the process behind it died)."""


class Channel:
    """Frames over a non-blocking stream socket, with deadlines in ``time.monotonic()`` seconds."""

    def __init__(self, sock: socket.socket, *, max_payload: int) -> None:
        sock.setblocking(False)
        self._sock = sock
        self._max_payload = max_payload

    def fileno(self) -> int:
        return self._sock.fileno()

    def send(self, frame: Frame, deadline: float) -> None:
        self._send_all(memoryview(frame_head(frame, max_payload=self._max_payload)), deadline)
        if frame.payload:
            self._send_all(memoryview(joined(frame.payload)).cast("B"), deadline)

    def recv(self, deadline: float) -> Frame:
        header_len, payload_len = PREFIX.unpack(self._read(PREFIX.size, deadline))
        check_sizes(header_len, payload_len, max_payload=self._max_payload)
        header = decode_header(self._read(header_len, deadline))
        payload = self._read(payload_len, deadline) if payload_len else b""
        return Frame(header, payload)

    def close(self) -> None:
        self._sock.close()

    def _send_all(self, data: memoryview, deadline: float) -> None:
        while data:
            self._wait(select.POLLOUT, deadline)
            try:
                sent = self._sock.send(data[: 4 * MiB])
            except BlockingIOError:
                continue
            except OSError as exc:  # EPIPE, ECONNRESET: the child is gone
                raise ChannelClosed(str(exc)) from None
            data = data[sent:]

    def _read(self, size: int, deadline: float) -> bytearray:
        """Exactly ``size`` bytes, read straight into one buffer (a payload is not copied again)."""
        buf = bytearray(size)
        view, got = memoryview(buf), 0
        while got < size:
            try:  # what has arrived is read at once; the deadline is checked whenever none has
                n = self._sock.recv_into(view[got:], min(size - got, 4 * MiB))
            except BlockingIOError:
                self._wait(select.POLLIN, deadline)
                continue
            except OSError as exc:
                raise ChannelClosed(str(exc)) from None
            if not n:
                raise ChannelClosed("the child closed its socket")
            got += n
        return buf

    def _wait(self, events: int, deadline: float) -> None:
        poller = select.poll()
        poller.register(self._sock, events)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChannelTimeout()
            ready = poller.poll(max(1, int(remaining * 1000)))
            if not ready:
                continue
            revents = ready[0][1]
            if revents & events:
                return
            # POLLHUP/POLLERR without data: the peer is gone.
            raise ChannelClosed("the child's socket hung up")
