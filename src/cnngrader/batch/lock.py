"""One ``cnngrader grade`` per assignment at a time: two would grade the same notebooks twice."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from cnngrader.course.course import Course
from cnngrader.errors import CnngraderError


class Busy(CnngraderError):
    """Another run holds the assignment."""


@contextmanager
def run_lock(course: Course, assignment: str) -> Iterator[None]:
    """An exclusive flock, released by the kernel even if this process is killed."""
    course.state_dir.mkdir(parents=True, exist_ok=True)
    path = course.state_dir / f"{assignment}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise Busy(
                f"another `cnngrader grade {assignment}` (pid {holder}) is running on this course; "
                "wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock
