"""Zygote side: check in a throwaway child that a confinement really takes effect here."""

from __future__ import annotations

import os
import socket


def seccomp_self_test() -> tuple[bool, str]:
    """Load the filter in a throwaway child and check that it refuses an INET socket."""
    from cnngrader.confine.child import seccomp

    ok, why = seccomp.available()
    if not ok:
        return False, why
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            seccomp.load_filter(os.getpid())
            try:
                socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            except PermissionError:
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return False, "the seccomp filter does not load or does not take effect on this kernel"
    return True, ""


def landlock_self_test() -> tuple[bool, str]:
    """Restrict a throwaway child to /usr and check that /proc became unreadable."""
    from cnngrader.confine.child import landlock
    from cnngrader.confine.child.confinement import PR_SET_NO_NEW_PRIVS, prctl

    if landlock.abi_version() < 1:
        return False, "Landlock is not available in this kernel"
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            prctl(PR_SET_NO_NEW_PRIVS, 1)
            landlock.restrict(["/usr"], [])
            try:
                open("/proc/self/status").close()
            except PermissionError:
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return False, "Landlock rules do not load or do not take effect on this kernel"
    return True, ""
