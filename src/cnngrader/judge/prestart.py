"""A cold start in parallel: the zygote boots while this process imports torch and pytest.

Both take about a second here; done one after the other they were most of a cold
``cnngrader check``. Only light modules are imported on the calling thread before the zygote
is launched.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cnngrader.confine.trusted.sandbox import Sandbox
    from cnngrader.course.course import Course

HEAVY = ("torch", "pytest", "nbformat", "cnngrader.judge.check")


def _import_heavy() -> None:
    for name in HEAVY:
        importlib.import_module(name)


@contextmanager
def prestarted_sandbox(*, course: Course, minimum_isolation: str | None) -> Iterator[Sandbox]:
    """Start the sandbox while a thread imports the trusted side; the caller's judge adopts it."""
    from cnngrader.confine.shared.levels import IsolationLevel
    from cnngrader.confine.trusted.sandbox import Sandbox

    loader = threading.Thread(target=_import_heavy, name="cnngrader-imports", daemon=True)
    loader.start()
    minimum = IsolationLevel(minimum_isolation) if minimum_isolation else IsolationLevel.RLIMITS
    sandbox = Sandbox.start(minimum=minimum, limits=course.limits)
    try:
        loader.join()
        yield sandbox
    finally:
        sandbox.close()
