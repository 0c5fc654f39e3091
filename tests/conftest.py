"""Shared by every test folder: ``coursekit`` (tiny courses written into tmp folders) on the path."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

pytest_plugins = ["pytester"]
