"""What a freshly forked child does to itself before it runs a single line of student code.

The order matters: leave the zygote's session, keep only its own socket, move into an empty
scratch folder, set resource limits, drop capabilities, forbid privilege gain, give up the
filesystem outside scratch (Landlock, where no mount namespace hides it), and finally load the
syscall filter (after which fork, exec and foreign signals are impossible).
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
from dataclasses import dataclass

from cnngrader.confine.child import landlock, seccomp

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAP_LAST = 63
LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


class ConfinementError(Exception):
    """The child could not confine itself; it must not run student code."""


@dataclass(frozen=True)
class ChildConfig:
    """What the zygote tells a child about its confinement (sent as plain JSON)."""

    scratch: str
    memory_bytes: int
    file_bytes: int
    open_files: int
    cpu_seconds: int
    seccomp: bool
    landlock: bool = False  # only without bubblewrap, whose mount namespace already hides the rest
    readable: tuple[str, ...] = ()
    writable: tuple[str, ...] = ()


def confine(sock_fd: int, config: ChildConfig) -> None:
    """Confine the calling (just forked, single-threaded) process."""
    os.setsid()
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # if the zygote dies, so does the child
    keep_only_fd(sock_fd)
    os.chdir(config.scratch)
    os.environ["HOME"] = os.environ["PWD"] = config.scratch
    set_rlimits(config)
    drop_capabilities()
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    if config.landlock:
        landlock.restrict(config.readable, config.writable)
    if config.seccomp:
        seccomp.load_filter(os.getpid())


def prctl(option: int, arg: int) -> None:
    if _libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise ConfinementError(f"prctl({option}) failed: {os.strerror(err)}")


def keep_only_fd(sock_fd: int) -> None:
    """Standard streams to /dev/null, every other descriptor but the socket closed."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    max_fd = os.sysconf("SC_OPEN_MAX")
    os.closerange(3, sock_fd)
    os.closerange(sock_fd + 1, max(max_fd, sock_fd + 2))


def set_rlimits(config: ChildConfig) -> None:
    # Writing past RLIMIT_FSIZE then fails with EFBIG (an OSError in the cell) instead of a kill.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    address_space = current_address_space() + config.memory_bytes
    _lower(resource.RLIMIT_AS, address_space)
    _lower(resource.RLIMIT_FSIZE, config.file_bytes)
    _lower(resource.RLIMIT_NOFILE, config.open_files)
    _lower(resource.RLIMIT_CORE, 0)
    _lower(resource.RLIMIT_MEMLOCK, 0)
    _lower(resource.RLIMIT_MSGQUEUE, 0)
    # A fresh process starts with no CPU time used; SIGXCPU at the soft limit ends it.
    _lower(resource.RLIMIT_CPU, config.cpu_seconds, config.cpu_seconds + 5)


def current_address_space() -> int:
    """Bytes mapped by this process now (VmSize), the base that the memory budget is added to."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise ConfinementError("cannot read VmSize from /proc/self/status")


def _lower(which: int, soft: int, hard: int | None = None) -> None:
    _, cur_hard = resource.getrlimit(which)
    hard = soft if hard is None else hard
    if cur_hard != resource.RLIM_INFINITY:
        hard = min(hard, cur_hard)
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """No capabilities at all, even as uid 0: no ptrace of the zygote, no reading others' files."""
    for cap in range(CAP_LAST + 1):
        # EPERM inside bubblewrap (already dropped there), EINVAL past the kernel's last cap.
        _libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(cap), 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, ctypes.c_ulong(PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if _libc.capset(ctypes.byref(header), data) != 0:
        err = ctypes.get_errno()
        if err != errno.EPERM:
            raise ConfinementError(f"capset failed: {os.strerror(err)}")
