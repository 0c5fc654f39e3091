"""Files that are not notebooks: each gets exit 0 from ``check --json``, score 0 and an error in
words, and in a batch the others are graded (they sit in the fast world's lab6 batch)."""

from __future__ import annotations

import pytest

from .broken import broken_files
from .verdicts import check_problems
from .world import World

pytestmark = pytest.mark.security

KINDS = [
    "notjson", "empty", "blank", "jsonobject", "jsonlist", "nbformat3", "nosource", "badcells", "utf16",
    "utf16nobom", "latin1", "truncated", "deepjson", "binary", "nbformat5", "fifty_mb",
]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_check_says_why_and_scores_zero(fast_world: World, kind: str) -> None:
    student = fast_world.students[("lab6", f"b-{kind}")]
    assert check_problems(fast_world, student) == []
    result = fast_world.check_result(student)
    assert result is not None
    assert result["score"] == 0, f"{kind}: points from a file that is not a readable notebook"
    errors = result["errors"]
    assert errors, f"{kind}: no error says what is wrong with the file"
    assert all("Traceback" not in e and len(e) < 600 for e in errors), errors
    assert any("lab6.ipynb" in e or "notebook" in e.lower() for e in errors), f"{kind}: {errors}"
    assert all(q["score"] == 0 for q in result["questions"])


@pytest.mark.parametrize("kind", KINDS)
def test_batch_records_the_error_and_goes_on(fast_world: World, kind: str) -> None:
    student = fast_world.students[("lab6", f"b-{kind}")]
    record = fast_world.record_result(student)
    assert record is not None, f"{kind}: the batch kept no record"
    assert record["score"] == 0 and record["errors"], (record["score"], record["errors"])
    assert fast_world.gradebook.get(student.id) is not None, f"{kind}: not in the gradebook"


def test_the_corpus_of_broken_files_is_complete() -> None:
    assert sorted(broken_files()) == sorted(KINDS)
