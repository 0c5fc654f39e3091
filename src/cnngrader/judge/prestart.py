"""A cold start in parallel: the zygote boots while this process imports torch and gets ready.

A cold ``cnngrader check``, and each worker of ``cnngrader grade``, waits for two things of
about a second and a half each: the zygote (torch and matplotlib, imported inside the sandbox)
and the trusted side (torch, pytest, the hidden suite). The sandbox is started in the
background before anything heavy is imported; the caller imports, collects and warms its judge
meanwhile (:meth:`Judge.prepare`), and its first use of the sandbox waits for the zygote.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cnngrader.confine.trusted.sandbox import Sandbox
    from cnngrader.course.course import Course


def background_sandbox(*, course: Course, minimum_isolation: str | None) -> Sandbox:
    """A sandbox whose zygote boots in the background (imports nothing heavy); a judge adopts it."""
    from cnngrader.confine.shared.levels import IsolationLevel
    from cnngrader.confine.trusted.sandbox import Sandbox

    minimum = IsolationLevel(minimum_isolation) if minimum_isolation else IsolationLevel.RLIMITS
    return Sandbox.start(minimum=minimum, limits=course.limits, background=True)


@contextmanager
def prestarted_sandbox(*, course: Course, minimum_isolation: str | None) -> Iterator[Sandbox]:
    """:func:`background_sandbox`, closed when the block ends."""
    sandbox = background_sandbox(course=course, minimum_isolation=minimum_isolation)
    try:
        yield sandbox
    finally:
        sandbox.close()
