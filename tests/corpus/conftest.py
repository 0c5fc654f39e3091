"""Shared set-up of the corpus tests: the student library on the path, the course and the CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))


@pytest.fixture(scope="session")
def course_root() -> Path:
    return ROOT


def require_release(*assignments: str) -> None:
    """Skip (with the reason shown) until the released notebooks exist."""
    missing = [a for a in assignments if not (ROOT / "release" / a / f"{a}.ipynb").is_file()]
    if missing:
        pytest.skip(f"release notebooks not generated yet: {', '.join(missing)}")
