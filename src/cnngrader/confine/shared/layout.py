"""Where things are inside the sandbox, as the judge lays it out and the zygote keeps it.

Under bubblewrap the zygote and its children see only these places (and ``/usr``); the
interpreter's prefixes and this package are bound read-only where they are on the host.
"""

from __future__ import annotations

import sys
from pathlib import Path

SCRATCH = "/scratch"
TMP = "/tmp"
SHM = "/dev/shm"
FONTS = "/run/cnngrader/fonts"
MPLCONFIGDIR = "/tmp/matplotlib"


def python_paths() -> list[str]:
    """The interpreter's prefixes and the folder of this package (not its parent)."""
    package = Path(__file__).resolve().parents[2]  # the cnngrader package itself
    candidates = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package]
    out: list[Path] = []
    for path in candidates:
        if path.is_relative_to("/usr") or any(path.is_relative_to(p) for p in out):
            continue
        out = [p for p in out if not p.is_relative_to(path)] + [path]
    return [str(p) for p in out]


def covering_mounts(paths: list[str]) -> list[str]:
    """For paths inside a writable tmpfs of the sandbox (a clone under ``/tmp``), the folder just
    below that tmpfs on the way to each: mounted read-only, so the way there cannot be written."""
    out: list[str] = []
    for path in map(Path, paths):
        for mount in (TMP, SHM, SCRATCH):
            if path.is_relative_to(mount) and path != Path(mount):
                top = str(Path(mount) / path.relative_to(mount).parts[0])
                if top != str(path) and top not in out:
                    out.append(top)
    return out


def kept_paths() -> list[str]:
    """What a wipe of the writable places leaves alone: the bound prefixes and the read-only way to them."""
    paths = python_paths()
    return [*paths, *covering_mounts(paths)]
