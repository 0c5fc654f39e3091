"""Proof that the Otter student notebook shows no solution line and no hidden-test line.

The secret lines are the release check's (``cnngrader.course.leaks.secret_lines``). Otter keeps
tests in the notebook's metadata, so every string of the notebook is searched, not only its
cells' sources.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat

from cnngrader.course.leaks import secret_lines
from cnngrader.errors import CourseError

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "grade_question")


def prove_clean(source_path: Path, student_path: Path) -> int:
    """Raise CourseError if a secret line or a marker reached the student notebook; count the secrets."""
    secrets = secret_lines(nbformat.read(source_path, as_version=4))
    lines = {line.strip() for text in strings(json.loads(student_path.read_text(encoding="utf-8")))
             for line in text.splitlines()}  # fmt: skip
    found = [f"{kind} line {line!r}" for line, kind in secrets.items() if line in lines]
    found += [f"marker {m!r}" for m in MARKERS if any(m in line for line in lines)]
    if found:
        shown = "\n  ".join(found[:10])
        raise CourseError(f"{student_path} leaks what students must not see:\n  {shown}")
    return len(secrets)


def strings(node: Any) -> Iterator[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
