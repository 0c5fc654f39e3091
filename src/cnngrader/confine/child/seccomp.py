"""The child's syscall filter: allow by default, refuse what a grading run never needs.

Refused with EPERM: sockets other than AF_UNIX and any new connection (so no network, and no
host daemon reached through a UNIX socket); new processes (``clone`` without CLONE_THREAD,
fork, vfork, exec) while threads keep working; signals and pidfds aimed at another process;
tracing and cross-process memory access; mounts and namespaces; bpf, perf, keyrings,
userfaultfd and io_uring; SysV IPC and POSIX message queues, which outlive a child inside its
sandbox's IPC namespace (a channel from one submission to the next; files are wiped instead).
``clone3`` answers ENOSYS so that glibc falls back to ``clone``, whose flags a filter can inspect.
"""

from __future__ import annotations

import errno
import socket
from typing import Any

CLONE_THREAD = 0x00010000

ALWAYS_DENIED = (
    "fork", "vfork", "execve", "execveat",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "pidfd_send_signal",
    "mount", "umount2", "unshare", "setns", "pivot_root", "chroot", "fsopen", "fsmount", "move_mount",
    "open_tree", "mount_setattr",
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "connect", "bind", "listen", "accept", "accept4", "sendmsg", "sendmmsg",
    "open_by_handle_at", "name_to_handle_at", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct",
    "shmget", "shmat", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl",
    "semget", "semop", "semtimedop", "semctl",
    "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
)
# Calls allowed only when their first argument is the child's own pid (or thread-group id).
ESSENTIAL = frozenset({"socket", "socketpair", "clone", "clone3", "fork", "vfork", "execve", "kill",
                       "tgkill", "ptrace", "connect"})
OWN_PID_ONLY = ("kill", "tgkill", "tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open")


def available() -> tuple[bool, str]:
    """Whether pyseccomp and libseccomp load here, and why not."""
    try:
        import pyseccomp  # noqa: F401  (loads libseccomp through ctypes)
    except Exception as exc:  # ImportError, or RuntimeError when libseccomp is missing
        return False, f"pyseccomp cannot be loaded: {type(exc).__name__}: {exc}"
    return True, ""


def build_filter(pid: int) -> Any:
    import pyseccomp as sc

    denied = sc.ERRNO(errno.EPERM)
    flt = sc.SyscallFilter(sc.ALLOW)
    for name in ALWAYS_DENIED:
        _add(flt, denied, name)
    for name in ("socket", "socketpair"):
        _add(flt, denied, name, sc.Arg(0, sc.NE, socket.AF_UNIX))
    # sendto with a destination address would reach an unconnected UNIX datagram socket.
    _add(flt, denied, "sendto", sc.Arg(4, sc.NE, 0))
    _add(flt, denied, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    _add(flt, sc.ERRNO(errno.ENOSYS), "clone3")
    for name in OWN_PID_ONLY:
        _add(flt, denied, name, sc.Arg(0, sc.NE, pid))
    return flt


def load_filter(pid: int) -> None:
    build_filter(pid).load()


def _add(flt: Any, action: int, name: str, *args: Any) -> None:
    try:
        flt.add_rule(action, name, *args)
    except (ValueError, OSError, RuntimeError):
        # An older libseccomp may not know a recent syscall: skip those, never the essential ones.
        if name in ESSENTIAL:
            raise
