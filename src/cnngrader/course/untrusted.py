"""Files a student controls, as trusted code meets them: never follow a link, never block on a
FIFO, never read a huge (or sparse) file whole. A submission folder can hold any of those."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The largest notebook read here, as ``cnngrader.read`` refuses larger ones (not imported: nbformat).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
KINDS = {stat.S_IFIFO: "named pipe", stat.S_IFSOCK: "socket", stat.S_IFCHR: "device", stat.S_IFBLK: "device"}


def folder_problem(root: Path, folder: Path) -> str | None:
    """Why ``folder`` (a submission folder under the course ``root``) is not the student's own.

    Every folder on the way from the course root to it must be a real folder: a symbolic link
    anywhere on that way leads to somebody else's files.
    """
    try:
        parts = folder.relative_to(root).parts
    except ValueError:
        return f"the submission folder {folder} is outside the course {root}: it is not graded"
    path = root
    for part in parts:
        path = path / part
        if path.is_symlink():
            return (
                f"the submission folder {'/'.join(path.relative_to(root).parts)} is a symbolic link "
                "to somewhere else, not the student's own files: it is not graded"
            )
    return None


def notebook_problem(path: Path) -> str | None:
    """Why ``path`` cannot even be handed to the grader (a link, a pipe, a device); None if it can.

    A missing, empty, oversized or malformed file is for the reader to explain, as ``check`` does.
    """
    try:
        info = path.lstat()
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return f"{path.name} is a symbolic link; submit the notebook file itself"
    kind = KINDS.get(stat.S_IFMT(info.st_mode))
    if kind is not None:
        return f"{path.name} is not a file but a {kind}; submit the notebook file itself"
    return None


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes; None for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return b"".join(chunks) if size <= limit else None


def file_state(path: Path) -> str:
    """A cheap description of a file that cannot be hashed (a link, a pipe, too large, absent)."""
    try:
        info = path.lstat()
    except OSError:
        return "missing"
    if stat.S_ISLNK(info.st_mode):
        return f"link:{os.readlink(path)}"
    return f"mode:{stat.S_IFMT(info.st_mode):o}:size:{info.st_size}:mtime:{info.st_mtime_ns}"
