"""Trusted side: start a zygote (under bubblewrap, or directly) and talk to it.

The zygote is started once per sandbox: ``python -I -m cnngrader.confine.zygote FD``, with a
cleared environment and its control socket passed as the only extra descriptor.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from cnngrader.confine.shared.control import ControlError, recv_before, send_message
from cnngrader.confine.shared.layout import FONTS, MPLCONFIGDIR, SCRATCH, SHM, TMP
from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.confine.shared.limits import Limits
from cnngrader.confine.trusted import bwrap

HUGE_PAGES = "THP_MEM_ALLOC_ENABLE"  # torch's CPU allocator: blocks of 2 MiB or more on huge pages
THP_MODE = Path("/sys/kernel/mm/transparent_hugepage/enabled")

STARTUP_SECONDS = 120.0  # importing torch under load can be slow; a hung start must still end
REQUEST_SECONDS = 10.0
LOG_TAIL_CHARS = 2000


class LaunchError(Exception):
    """The zygote could not be started in the way asked."""


class ZygoteProcess:
    """A running zygote: its process, control socket and the isolation level it reached."""

    def __init__(self, process: subprocess.Popen[bytes], ctrl: socket.socket, level: IsolationLevel,
                 hello: dict[str, Any], workdir: Path) -> None:
        self.process = process
        self.workdir = workdir
        self.level = level
        self.hello = hello
        self._ctrl = ctrl
        self._lock = threading.Lock()

    @classmethod
    def start(cls, *, workdir: Path, limits: Limits, use_bwrap: bool, use_seccomp: bool) -> ZygoteProcess:
        layout = _Layout(workdir, use_bwrap)
        layout.create()
        ctrl, remote = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv = [*layout.prefix(limits), sys.executable, "-I", "-m", "cnngrader.confine.zygote",
                str(remote.fileno())]
        with open(layout.log, "ab") as log:
            process = subprocess.Popen(argv, pass_fds=[remote.fileno()], stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=log, env=layout.env(), cwd=layout.cwd,
                                       start_new_session=True)
        remote.close()
        try:
            send_message(ctrl, layout.config(use_seccomp))
            hello = recv_before(ctrl, time.monotonic() + STARTUP_SECONDS)
        except ControlError as exc:
            process.kill()
            process.wait()
            ctrl.close()
            raise LaunchError(f"{exc}; its log ends with: {layout.log_tail()}") from None
        if hello.get("type") != "hello":
            process.kill()
            raise LaunchError(f"unexpected greeting from the zygote: {hello!r}")
        seccomp = bool(hello.get("seccomp"))
        if use_bwrap:
            level = IsolationLevel.BUBBLEWRAP if seccomp else IsolationLevel.RLIMITS
        else:
            level = IsolationLevel.SECCOMP if seccomp else IsolationLevel.RLIMITS
        return cls(process, ctrl, level, hello, workdir)

    @property
    def seccomp(self) -> bool:
        return bool(self.hello.get("seccomp"))

    @property
    def landlock(self) -> bool:
        return bool(self.hello.get("landlock"))

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, fd: int, *, limits: Limits, seccomp: bool) -> int:
        reply = self._request({"op": "fork", "limits": limits.to_dict(), "seccomp": seccomp}, [fd])
        pid = reply.get("pid")
        if not isinstance(pid, int) or pid <= 0:
            raise ControlError(f"the zygote could not fork: {reply.get('error', reply)!r}")
        return pid

    def kill(self, pid: int) -> int | None:
        """Kill a child's whole process group; its wait status, if the zygote knew it."""
        status = self._request({"op": "kill", "pid": pid}).get("status")
        return status if isinstance(status, int) else None

    def close(self) -> None:
        self._ctrl.close()  # the zygote sees EOF, kills its children, wipes and exits
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _request(self, message: dict[str, Any], fds: list[int] | None = None) -> dict[str, Any]:
        with self._lock:
            send_message(self._ctrl, message, fds or [])
            return recv_before(self._ctrl, time.monotonic() + REQUEST_SECONDS)


class _Layout:
    """Paths, environment and config of one zygote, as seen from inside its sandbox."""

    def __init__(self, workdir: Path, use_bwrap: bool) -> None:
        self.workdir = workdir
        self.use_bwrap = use_bwrap
        self.fonts = workdir / "fonts"
        self.log = workdir / "zygote.log"
        if use_bwrap:
            self.scratch, self.tmp = SCRATCH, TMP
            self.wipe = [SCRATCH, TMP, SHM]
            self.mplconfigdir, self.fonts_inside, self.cwd = MPLCONFIGDIR, FONTS, "/"
        else:
            self.scratch, self.tmp = str(workdir / "scratch"), str(workdir / "tmp")
            self.wipe = [self.scratch, self.tmp]
            self.mplconfigdir, self.fonts_inside = f"{self.tmp}/matplotlib", str(self.fonts)
            self.cwd = self.scratch

    def create(self) -> None:
        prepare_font_cache(self.fonts)
        if not self.use_bwrap:
            for path in (self.scratch, self.tmp):
                os.makedirs(path, mode=0o700, exist_ok=True)

    def env(self) -> dict[str, str]:
        return {
            "PATH": "/usr/bin:/bin",
            "HOME": self.scratch,
            "TMPDIR": self.tmp,
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": self.mplconfigdir,
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            HUGE_PAGES: huge_pages_setting(),
        }

    def prefix(self, limits: Limits) -> list[str]:
        if not self.use_bwrap:
            return []
        path = bwrap.find_bwrap()
        if path is None:
            raise LaunchError("bwrap is not installed")
        return bwrap.bwrap_argv(path, fonts=self.fonts, tmpfs_bytes=limits.scratch_bytes, env=self.env())

    def config(self, use_seccomp: bool) -> dict[str, Any]:
        return {"scratch_root": self.scratch, "wipe": self.wipe, "mplconfigdir": self.mplconfigdir,
                "fonts": self.fonts_inside, "seccomp": use_seccomp, "tmp": self.tmp,
                # Without a mount namespace, Landlock keeps the child to the same few paths.
                "landlock": use_seccomp and not self.use_bwrap, "readable": bwrap.readable_paths()}

    def log_tail(self) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return text[-LOG_TAIL_CHARS:].strip() or "(empty log)"


def huge_pages_setting() -> str:
    """torch's huge-page switch: as this process's environment says, else on where the kernel gives
    transparent huge pages (without them torch's ``madvise`` fails, and torch warns in every cell
    output that allocates a large tensor)."""
    said = os.environ.get(HUGE_PAGES)
    return said if said is not None else ("1" if kernel_has_huge_pages() else "0")


def kernel_has_huge_pages() -> bool:
    """Whether the kernel gives transparent huge pages (always, or to memory that asks for them)."""
    try:
        return "[never]" not in THP_MODE.read_text()
    except OSError:
        return False


def prepare_font_cache(dest: Path) -> None:
    """Copy the trusted side's ``fontlist-*.json`` into ``dest`` (building it once if needed).

    Where matplotlib keeps it is found without importing matplotlib (half a second, on the path
    of every cold start); only a machine without the file yet imports it to build one.
    """
    dest.mkdir(parents=True, exist_ok=True)
    found = sorted(_matplotlib_cachedir().glob("fontlist-*.json"))
    if not found:
        import matplotlib
        import matplotlib.font_manager  # builds the font list on first import

        found = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
    for path in found:
        shutil.copyfile(path, dest / path.name)


def _matplotlib_cachedir() -> Path:
    """``matplotlib.get_cachedir()`` as it resolves on Linux when the folder is writable."""
    configured = os.environ.get("MPLCONFIGDIR")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "matplotlib"
