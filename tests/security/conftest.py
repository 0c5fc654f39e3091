"""Session-wide worlds: every hostile notebook graded once (batch and check), observed throughout.

- ``fast_world``: the attacks that end quickly, the broken files and a colluding pair;
- ``layout_world``: tricks in the submission folder (symlinks, a sparse giant, odd names...);
- ``fifo_world``: a FIFO where the notebook should be (it can stop a whole batch, so it is alone);
- ``slow_world``: the attacks that can only end in a timeout, or that write gigabytes.

Each world is a course of its own under /var/tmp (not /tmp: the sandbox mounts its own /tmp, and
a course path that exists inside it would make writes there look like breaches). Tests read what
the worlds recorded; nothing is graded twice. ``CNNGRADER_SECURITY_KEEP=1`` keeps the courses.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .attacks import ATTACKS
from .broken import broken_files
from .harness import become_subreaper
from .world import LAYOUT_TRICKS, World, build_world, check_phase, close_listeners

LAYOUT_TIMEOUT = 300.0  # a batch of 15 takes well under a minute; a hang must not cost the suite more
ALONE_TIMEOUT = 180.0
# Tricks that can stop a whole batch get a world each, so that they cannot hide the others' verdicts.
ALONE = {"l-fifo": "fifo_world", "l-sparse": "sparse_world"}
WORLD_ROOT = Path("/var/tmp")


BUILT: dict[str, World] = {}


def _world(name: str, **kwargs: Any) -> Iterator[World]:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed: the security suite needs the bubblewrap isolation level")
    become_subreaper()
    root = Path(tempfile.mkdtemp(prefix=f"cnngrader-security-{name}-", dir=WORLD_ROOT))
    try:
        BUILT[name] = build_world(root, **kwargs)
        yield BUILT[name]
    finally:
        if not os.environ.get("CNNGRADER_SECURITY_KEEP"):
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _listeners() -> Iterator[None]:
    """The sockets no submission may reach stay open for the whole session, then close."""
    yield
    close_listeners()


@pytest.fixture(scope="session")
def fast_world() -> Iterator[World]:
    yield from _world(
        "fast", attacks=[a for a in ATTACKS if not a.slow], broken=broken_files(), collusion_pair=True
    )


@pytest.fixture(scope="session")
def fast_world_checks(fast_world: World) -> World:
    """``cnngrader check`` on the fast world's other attacks: a later phase, marked slow."""
    BUILT["fast-checks"] = check_phase(fast_world, ["slow"])
    return BUILT["fast-checks"]


@pytest.fixture(scope="session")
def layout_world() -> Iterator[World]:
    tricks = [t for t in LAYOUT_TRICKS if t not in ALONE]
    yield from _world("layout", attacks=[], layout=tricks, batch_timeout=LAYOUT_TIMEOUT)


@pytest.fixture(scope="session")
def fifo_world() -> Iterator[World]:
    yield from _world("fifo", attacks=[], layout=["l-fifo"], batch_timeout=ALONE_TIMEOUT)


@pytest.fixture(scope="session")
def sparse_world() -> Iterator[World]:
    yield from _world("sparse", attacks=[], layout=["l-sparse"], batch_timeout=ALONE_TIMEOUT)


@pytest.fixture(scope="session")
def slow_world() -> Iterator[World]:
    slow = [a for a in ATTACKS if a.slow]
    yield from _world("slow", attacks=slow, checks=["fast", "slow"], concurrent=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The figures SECURITY.md quotes, per world and in total."""
    if not BUILT:
        return
    from .verdicts import figures

    terminalreporter.section("security figures")
    total = {"attacks": 0, "attempts": 0, "breaches": 0, "unfair_points": 0.0, "traces": 0}
    for name, world in BUILT.items():
        fig = figures(world)
        seconds = ", ".join(f"{k} {v:.0f} s" for k, v in world.seconds.items())
        terminalreporter.write_line(f"{name}: {fig} ({seconds})")
        for key in total:
            total[key] += getattr(fig, key)
    terminalreporter.write_line(f"total: {total}")


# The attacks whose outcome depends on what the sandbox hides and forbids, run again with bubblewrap
# out of reach: the seccomp level (seccomp + Landlock + rlimits, no namespaces). Its promises are
# SECURITY.md's second column.
DEGRADED = (
    "readpath", "readwalk", "readproc", "readmem", "write", "symlink", "net", "netc", "forks", "spawn",
    "cfork", "daemon", "ctypes", "killpg", "killpar", "stoppar", "pickquiz", "exitos",
)  # fmt: skip


@pytest.fixture(scope="session")
def seccomp_world() -> Iterator[World]:
    attacks = [a for a in ATTACKS if a.code in DEGRADED]
    yield from _world(
        "seccomp", attacks=attacks, collusion_pair=True, isolation="seccomp", checks=["fast", "slow"]
    )
