"""What a grade depends on, as digests: the notebook's bytes, the hidden tests, the engine, the seed.

A submission is regraded exactly when its content key changes, so a rerun grades only what
changed: a new upload, an edited hidden test, a new cnngrader release (``--force`` regrades
after a change to the grader that kept its version).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cnngrader
from cnngrader.course.course import Course
from cnngrader.course.untrusted import MAX_NOTEBOOK_BYTES, file_state, read_regular

SKIPPED_DIRS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


@dataclass(frozen=True)
class SuiteDigest:
    """The hidden tests of one assignment: one digest per file, and one for them all."""

    files: tuple[tuple[str, str], ...]

    @property
    def digest(self) -> str:
        return _sha("\n".join(f"{name}\0{sha}" for name, sha in self.files).encode())

    def changed_files(self, before: dict[str, str]) -> tuple[str, ...]:
        """Names of files added, removed or edited since ``before``."""
        now = dict(self.files)
        return tuple(sorted(n for n in set(now) | set(before) if now.get(n) != before.get(n)))


def notebook_digest(path: Path) -> str:
    """Digest of the submitted bytes; of what the file is, if it cannot be read safely."""
    data = read_regular(Path(path), MAX_NOTEBOOK_BYTES)
    return _sha(data) if data is not None else _sha(file_state(Path(path)).encode())


def suite_digest(course: Course, assignment: str) -> SuiteDigest:
    """Every file under ``autograder/<assignment>/`` and the shared files directly in ``autograder/``."""
    folder = course.tests_dir(assignment)
    top = folder.parent
    files = [(p.name, p) for p in sorted(top.glob("*")) if p.is_file()]
    files += [(str(p.relative_to(top)), p) for p in _walk(folder)]
    return SuiteDigest(tuple((name, _sha(path.read_bytes())) for name, path in files))


def engine_digest() -> str:
    """The grader's identity: its version (hashing its source would regrade on every edit)."""
    return f"cnngrader {cnngrader.__version__}"


def content_key(*, notebook: str, suite: str, engine: str, seed: int) -> str:
    return _sha(f"{notebook}:{suite}:{engine}:{seed}".encode())


def _walk(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.is_dir() and path.name not in SKIPPED_DIRS:
            yield from _walk(path)
        elif path.is_file() and path.suffix not in (".pyc", ".pyo"):
            yield path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
