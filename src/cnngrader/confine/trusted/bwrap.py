"""The bubblewrap command line: which host paths the sandbox sees, and nothing else.

Read-only: ``/usr`` (and the ``/bin``, ``/lib*`` links into it), ``/etc/ld.so.cache`` and
``/etc/fonts``, the Python prefix (interpreter and site-packages) and the ``cnngrader``
package folder itself, never the repository around it (which holds hidden tests and
solutions). Writable: small tmpfs mounts for scratch, ``/tmp`` and ``/dev/shm``, which the
zygote wipes between submissions. Everything else, including ``/`` and ``/dev``, is read-only.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from cnngrader.confine.shared.layout import FONTS, SCRATCH, SHM, TMP, covering_mounts, python_paths

ETC_FILES = ("/etc/ld.so.cache", "/etc/fonts")
ROOT_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
SELF_TEST_SECONDS = 10


def find_bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def self_test(bwrap: str) -> tuple[bool, str]:
    """Whether bwrap can create its namespaces here (it cannot in some locked-down containers)."""
    argv = [bwrap, *namespace_options(), *system_binds(), "--proc", "/proc", "--dev", "/dev",
            "--", "/usr/bin/true"]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=SELF_TEST_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap self-test failed: {exc}"
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        return False, f"bwrap self-test failed: {detail[-1] if detail else f'exit {done.returncode}'}"
    return True, ""


def namespace_options() -> list[str]:
    return ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]


def system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ROOT_LINKS:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for etc in ETC_FILES:
        args += ["--ro-bind-try", etc, etc]
    return args


def readable_paths() -> list[str]:
    """The host paths a child may read when Landlock stands in for bubblewrap's binds."""
    system = ["/usr", *(f"/{name}" for name in ROOT_LINKS), *ETC_FILES]
    return [*system, *python_paths(), "/proc"]


def bwrap_argv(bwrap: str, *, fonts: Path, tmpfs_bytes: int, env: Mapping[str, str]) -> list[str]:
    """The full ``bwrap ... --`` prefix; the zygote's own command follows it."""
    args = [bwrap, *namespace_options(), *system_binds()]
    args += ["--proc", "/proc", "--dev", "/dev"]
    for path in (SHM, TMP, SCRATCH):
        args += ["--size", str(tmpfs_bytes), "--tmpfs", path]
    # After the tmpfs mounts, so that a checkout or a virtualenv under /tmp is not hidden by them;
    # the folders leading to it get a tmpfs of their own, made read-only once it is bound.
    covers = covering_mounts(python_paths())
    for top in covers:
        args += ["--size", str(1024 * 1024), "--tmpfs", top]
    for path in python_paths():
        args += ["--ro-bind", path, path]
    args += ["--ro-bind", str(fonts), FONTS]
    for top in covers:
        args += ["--remount-ro", top]
    args += ["--remount-ro", "/dev", "--remount-ro", "/", "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--chdir", SCRATCH, "--"]
