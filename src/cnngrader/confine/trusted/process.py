"""Trusted side: one forked child, reached through its own socket and killed through the zygote."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from typing import Any

from cnngrader.confine.shared.control import ControlError
from cnngrader.confine.shared.limits import Limits
from cnngrader.confine.shared.wire import Frame
from cnngrader.confine.trusted.channel import Channel
from cnngrader.confine.trusted.launcher import ZygoteProcess
from cnngrader.confine.trusted.procfs import find_descendant, thread_count

HELLO_SECONDS = 30.0


class ChildGone(Exception):
    """The child never greeted, or refused to run because it could not confine itself."""


class ChildProcess:
    """A child of the zygote and the trusted end of its socket."""

    def __init__(self, zygote: ZygoteProcess, pid: int, channel: Channel) -> None:
        self.zygote = zygote
        self.pid = pid
        self.channel = channel
        self.alive = True
        self.status: int | None = None
        self.startup_seconds = 0.0
        self._host_pid: int | None = None

    @classmethod
    def spawn(cls, zygote: ZygoteProcess, limits: Limits, *, seccomp: bool,
              landlock: bool = False) -> ChildProcess:
        """Fork a child and wait until it is confined and ready for its cells."""
        started = time.perf_counter()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            pid = zygote.fork(theirs.fileno(), limits=limits, seccomp=seccomp)
        finally:
            theirs.close()  # the zygote has its own copy now; only the child keeps one
        child = cls(zygote, pid, Channel(mine, max_payload=limits.payload_bytes))
        try:
            hello = child.channel.recv(time.monotonic() + HELLO_SECONDS).header
        except Exception as exc:
            child.kill()
            raise ChildGone(f"the child did not start: {type(exc).__name__}: {exc}") from None
        wanted = [key for key, asked in (("seccomp", seccomp), ("landlock", landlock)) if asked]
        confined = all(hello.get(key) is True for key in wanted)
        if hello.get("type") != "hello" or not confined:
            child.kill()
            raise ChildGone(str(hello.get("message", f"unexpected greeting {hello!r}")))
        child.startup_seconds = time.perf_counter() - started
        return child

    def send(self, frame: Frame, deadline: float) -> None:
        self.channel.send(frame, deadline)

    def recv(self, deadline: float) -> Frame:
        return self.channel.recv(deadline)

    def threads(self) -> int | None:
        """The child's thread count as the kernel reports it; None where /proc cannot tell."""
        if self._host_pid is None:
            self._host_pid = find_descendant(self.zygote.process.pid, self.pid)
        return thread_count(self._host_pid) if self._host_pid is not None else None

    def kill(self) -> None:
        """Kill the child's process group (idempotent) and remember how it ended."""
        if not self.alive:
            return
        self.alive = False
        self.channel.close()
        with contextlib.suppress(ControlError):  # a dead zygote takes its children with it
            self.status = self.zygote.kill(self.pid)

    def ending(self) -> str:
        """How the child ended, in words, e.g. 'killed by SIGSEGV' or 'exited with code 3'."""
        return describe_status(self.status)


def describe_status(status: Any) -> str:
    if not isinstance(status, int):
        return "stopped"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return "stopped by the CPU time limit"
        try:
            return f"killed by {signal.Signals(sig).name}"
        except ValueError:
            return f"killed by signal {sig}"
    if os.WIFEXITED(status):
        return f"exited with code {os.WEXITSTATUS(status)}"
    return "stopped"
