"""Session-wide worlds: every hostile notebook graded once (batch and check), observed throughout.

The fast world holds the attacks that end quickly, the submission-folder tricks, the broken files
and a colluding pair; the slow world holds those that can only end in a timeout (or that write
gigabytes). Tests read what the worlds recorded; nothing is graded twice.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from .attacks import ATTACKS
from .broken import broken_files
from .harness import become_subreaper
from .world import World, build_world


def _require_cli() -> None:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed: the security suite needs the bubblewrap isolation level")


@pytest.fixture(scope="session")
def fast_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    _require_cli()
    become_subreaper()
    root = tmp_path_factory.mktemp("hostile-fast")
    world = build_world(
        root, [a for a in ATTACKS if not a.slow], layout=True, broken=broken_files(), collusion_pair=True
    )
    yield world


@pytest.fixture(scope="session")
def slow_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    _require_cli()
    become_subreaper()
    root = tmp_path_factory.mktemp("hostile-slow")
    yield build_world(root, [a for a in ATTACKS if a.slow])
