"""Zygote side: check in a throwaway child that a confinement really takes effect here."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable


def seccomp_self_test() -> tuple[bool, str]:
    """Load the filter in a throwaway child and check that it refuses an INET socket."""
    from cnngrader.confine.child import seccomp

    ok, why = seccomp.available()
    if not ok:
        return False, why

    def restrict() -> None:
        seccomp.load_filter(os.getpid())

    if not _refused_in_a_child(restrict, lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)):
        return False, "the seccomp filter does not load or does not take effect on this kernel"
    return True, ""


def landlock_self_test() -> tuple[bool, str]:
    """Restrict a throwaway child to /usr and check that /proc became unreadable."""
    from cnngrader.confine.child import landlock
    from cnngrader.confine.child.confinement import PR_SET_NO_NEW_PRIVS, prctl

    if landlock.abi_version() < 1:
        return False, "Landlock is not available in this kernel"

    def restrict() -> None:
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        landlock.restrict(["/usr"], [])

    if not _refused_in_a_child(restrict, lambda: open("/proc/self/status").close()):
        return False, "Landlock rules do not load or do not take effect on this kernel"
    return True, ""


def _refused_in_a_child(restrict: Callable[[], None], forbidden: Callable[[], object]) -> bool:
    """In a throwaway forked child, apply ``restrict``, then try ``forbidden``: True only if the
    restriction loaded and ``forbidden`` then raised PermissionError."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            restrict()  # any error here: the restriction did not load
            try:
                forbidden()
            except PermissionError:
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0
