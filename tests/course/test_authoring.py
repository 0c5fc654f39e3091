"""The release build derives what an instructor's notebook leaves implicit, and only adds."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest
from coursekit import write_course

from cnngrader.course import Course
from cnngrader.course.authoring import derive, derive_file, hidden_call

TEST = '''
import pytest
pytestmark = pytest.mark.question("area")

@pytest.mark.points(3)
def test_area(sub):
    """area(2, 3) is 6"""
    assert sub.function("area")(2, 3) == 6, "area(2, 3) should be 6"
'''


def bare_notebook() -> dict:
    """What an instructor has after Create Assignment, before any build: no ids, sparse metadata."""
    answer = {
        "cell_type": "code",
        "execution_count": None,
        "outputs": [],
        "metadata": {"nbgrader": {"grade_id": "area_answer", "solution": True}},
        "source": "def area(w, h):\n    ### BEGIN SOLUTION\n    return w * h\n    ### END SOLUTION",
    }
    graded = {
        "cell_type": "code",
        "execution_count": None,
        "outputs": [],
        "metadata": {"nbgrader": {"grade": True, "grade_id": "area", "points": 3}},
        "source": "# Hidden tests grade this question (3 points).",
    }
    prose = {"cell_type": "markdown", "metadata": {}, "source": "## Area"}
    return {"cells": [prose, answer, graded], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}  # fmt: skip


def test_derive_adds_ids_metadata_and_the_hidden_call() -> None:
    nb = bare_notebook()
    added = derive(nb, "hw2")
    _, answer, graded = nb["cells"]
    assert [c["id"] for c in nb["cells"]] == ["hw2-00", "area_answer", "area"]
    assert (
        graded["metadata"]["nbgrader"]["locked"] is True and answer["metadata"]["nbgrader"]["locked"] is False
    )
    assert graded["metadata"]["nbgrader"]["schema_version"] == 3
    assert graded["source"] == "# Hidden tests grade this question (3 points).\n" + hidden_call("hw2", "area")
    assert nb["nbformat_minor"] == 5
    assert any("hidden-test call of 'area'" in a for a in added) and len(added) >= 8


def test_derive_never_changes_what_the_instructor_set() -> None:
    nb = bare_notebook()
    answer_meta = nb["cells"][1]["metadata"]["nbgrader"]
    answer_meta.update(locked=True, schema_version=3)  # odd, but the instructor's choice
    nb["cells"][2]["id"] = "my-own-id"
    nb["cells"][2]["source"] += (
        '\n### BEGIN HIDDEN TESTS\ngrade_question("hw2", "area", globals())\n### END HIDDEN TESTS'
    )
    before = copy.deepcopy(nb)
    derive(nb, "hw2")
    for old, new in zip(before["cells"], nb["cells"], strict=True):
        assert new["source"] == old["source"]
        if "id" in old:
            assert new["id"] == old["id"]
        for key, value in old["metadata"].get("nbgrader", {}).items():
            assert new["metadata"]["nbgrader"][key] == value


def test_derive_is_idempotent_and_ids_stay_unique() -> None:
    nb = bare_notebook()
    nb["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "x", "id": "area"})
    derive(nb, "hw2")
    once = copy.deepcopy(nb)
    assert derive(nb, "hw2") == [] and nb == once
    ids = [c["id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids) and "area-2" in ids


def test_derive_file_writes_only_when_it_added_something(tmp_path: Path) -> None:
    course = write_course(tmp_path, assignment="hw2", questions={"area": 3}, tests={"test_area.py": TEST})
    path = course.source_dir("hw2") / "hw2.ipynb"
    nbformat.write(nbformat.from_dict(bare_notebook()), path)
    assert derive_file(path, "hw2").added
    written = path.read_bytes()
    assert derive_file(path, "hw2").added == () and path.read_bytes() == written
    assert Course.open(tmp_path).assignment("hw2").question("area").points == 3


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_the_shipped_notebooks_need_nothing(assignment: str) -> None:
    repo = Path(__file__).resolve().parents[2]
    nb = json.loads((repo / "source" / assignment / f"{assignment}.ipynb").read_text())
    assert derive(nb, assignment) == []
