"""The warm parent (``python -I -m cnngrader.confine.zygote FD``): imports torch and friends once,
then forks one confining child per submission, in tens of milliseconds instead of seconds.

It runs on the untrusted side (inside bubblewrap when available) and only ever receives the
judge's requests on its control socket: fork a child for this socket, kill that child. Before
each fork it kills any previous child and wipes every writable place, so nothing one
submission plants is there for the next.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import socket
import time
from dataclasses import dataclass
from typing import Any

from cnngrader.confine.shared.control import recv_message, send_message
from cnngrader.confine.shared.layout import kept_paths
from cnngrader.confine.shared.wipe import wipe_folder
from cnngrader.confine.zygote.selftest import landlock_self_test, seccomp_self_test
from cnngrader.confine.zygote.warm import prepare_matplotlib, warm_up

POLL_MS = 500


@dataclass(frozen=True)
class ZygoteConfig:
    """Where things live for this zygote (paths as seen from inside its sandbox)."""

    scratch_root: str
    wipe: tuple[str, ...]
    mplconfigdir: str
    fonts: str
    seccomp: bool
    landlock: bool  # asked for where there is no mount namespace
    readable: tuple[str, ...]  # what a child may still read under Landlock
    tmp: str  # the temporary folder, writable by children

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ZygoteConfig:
        return cls(str(data["scratch_root"]), tuple(data["wipe"]), str(data["mplconfigdir"]),
                   str(data.get("fonts", "")), bool(data["seccomp"]), bool(data.get("landlock")),
                   tuple(data.get("readable", ())), str(data.get("tmp", "")))


def main(argv: list[str]) -> None:
    ctrl = socket.socket(fileno=int(argv[1]))
    from cnngrader.confine.child.confinement import PR_SET_DUMPABLE, prctl

    prctl(PR_SET_DUMPABLE, 0)  # children cannot ptrace it or read its memory
    message, _ = recv_message(ctrl)
    if message is None:
        return
    config = ZygoteConfig.from_dict(message)
    started = time.perf_counter()
    prepare_matplotlib(config.mplconfigdir, config.fonts)
    warm_up()
    seccomp_ok, why = seccomp_self_test() if config.seccomp else (False, "not requested")
    landlock_ok, landlock_why = landlock_self_test() if config.landlock else (False, "not requested")
    # Keeps the collector from touching (and copying) the zygote's pages in children. No collection
    # first: start-up leaves about a thousand unreachable objects, and finding them takes 0.1 s of
    # every zygote's start.
    gc.freeze()
    send_message(ctrl, {"type": "hello", "pid": os.getpid(), "seccomp": seccomp_ok, "why": why,
                        "landlock": landlock_ok, "landlock_why": landlock_why,
                        "warm_seconds": time.perf_counter() - started})
    Zygote(ctrl, config, seccomp_ok, landlock_ok).serve()


class Zygote:
    """Serves the judge's fork and kill requests until the control socket closes."""

    def __init__(self, ctrl: socket.socket, config: ZygoteConfig, seccomp_ok: bool,
                 landlock_ok: bool) -> None:
        self.ctrl = ctrl
        self.config = config
        self.seccomp_ok = seccomp_ok
        self.landlock_ok = landlock_ok
        self.children: set[int] = set()
        self.ended: dict[int, int] = {}  # wait statuses of children that exited on their own
        self.forks = 0

    def serve(self) -> None:
        poller = select.poll()
        poller.register(self.ctrl, select.POLLIN)
        try:
            while True:
                self.reap()
                if not poller.poll(POLL_MS):
                    continue
                message, fds = recv_message(self.ctrl)
                if message is None:
                    break
                send_message(self.ctrl, self.handle(message, fds))
        finally:
            self.kill_all()
            self.wipe()

    def handle(self, message: dict[str, Any], fds: list[int]) -> dict[str, Any]:
        op = message.get("op")
        if op == "fork" and len(fds) == 1:
            return self.fork(fds[0], message)
        for fd in fds:
            os.close(fd)
        if op == "kill":
            return self.kill(int(message.get("pid", 0)))
        if op == "ping":
            return {"ok": True}
        return {"ok": False, "error": f"unknown request {op!r}"}

    def fork(self, fd: int, message: dict[str, Any]) -> dict[str, Any]:
        from cnngrader.confine.child import main as child
        from cnngrader.confine.child.confinement import ChildConfig

        self.kill_all()
        self.ended.clear()
        self.wipe()
        self.forks += 1
        scratch = os.path.join(self.config.scratch_root, f"run-{self.forks}")
        os.makedirs(scratch, mode=0o700)
        limits = message["limits"]
        config = ChildConfig(scratch=scratch, memory_bytes=limits["memory_bytes"],
                             file_bytes=limits["file_bytes"], open_files=limits["open_files"],
                             cpu_seconds=limits["cpu_seconds"],
                             seccomp=bool(message.get("seccomp")) and self.seccomp_ok,
                             landlock=self.landlock_ok, readable=self.config.readable,
                             writable=(scratch, self.config.tmp) if self.config.tmp else (scratch,))
        pid = os.fork()
        if pid == 0:
            self.ctrl.detach()  # the child closes the descriptor; the object must not later
            child.main(socket.socket(fileno=fd), config, output_chars=limits["output_chars"],
                       max_payload=limits["payload_bytes"])
        os.close(fd)
        self.children.add(pid)
        return {"ok": True, "pid": pid}

    def kill(self, pid: int) -> dict[str, Any]:
        if pid not in self.children:
            return {"ok": True, "status": self.ended.pop(pid, None)}
        _kill_group(pid)
        _, status = os.waitpid(pid, 0)
        self.children.discard(pid)
        return {"ok": True, "status": status}

    def kill_all(self) -> None:
        for pid in list(self.children):
            self.kill(pid)

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            self.children.discard(pid)
            self.ended[pid] = status

    def wipe(self) -> None:
        for root in self.config.wipe:
            wipe_folder(root, keep=kept_paths())
        os.makedirs(self.config.mplconfigdir, exist_ok=True)


def _kill_group(pid: int) -> None:
    # The child made itself a process group leader; kill the group, then the pid in case the
    # child had not yet called setsid().
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError):
            kill(pid, signal.SIGKILL)
