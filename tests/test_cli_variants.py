"""Per-student variants from the command line: ``cnngrader variant`` for TAs, ``check --student``.

Real subprocesses of the real CLI, on this repository's course (and a copy of it, where a notebook
must sit in a student's folder).
"""

from __future__ import annotations

import ast
import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [f"q{n}" for n in range(1, 11)]


def cnngrader(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cnngrader", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def variant(student: str) -> dict[str, Any]:
    out = cnngrader("variant", "quiz6", "--student", student, "--json")
    assert out.returncode == 0, out.stderr
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def handed_in(answers: dict[str, Any], stated: str = "") -> Any:
    """The released quiz with each answer typed in as ``variant`` prints it (and ``STUDENT_ID``)."""
    nb = nbformat.read(ROOT / "release" / "quiz6" / "quiz6.ipynb", as_version=4)
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("_answer"):
            q = grade_id.removesuffix("_answer")
            cell.source = f"{q} = {answers[q]}"
        elif cell.source.startswith("# Your student id"):
            cell.source = cell.source.replace('STUDENT_ID = ""', f"STUDENT_ID = {stated!r}")
    return nb


def answers_of(data: dict[str, Any]) -> dict[str, str]:
    return {q["id"]: q["answer"] for q in data["questions"]}


def test_variant_prints_one_json_document_of_the_published_shape() -> None:
    data = variant("ada")
    assert set(data) == {"assignment", "student", "questions"}
    assert data["assignment"] == "quiz6" and data["student"] == "ada"
    assert [q["id"] for q in data["questions"]] == QUESTIONS
    for q in data["questions"]:
        assert set(q) == {"id", "prompt", "answer"} and q["prompt"]
        ast.literal_eval(q["answer"])  # Python a TA can type
    assert variant("ada") == data and variant("bob") != data


def test_variant_in_words_shows_each_prompt_and_answer() -> None:
    out = cnngrader("variant", "quiz6", "--student", "ada")
    assert out.returncode == 0, out.stderr
    data = variant("ada")
    assert out.stdout.startswith("quiz6: student 'ada'")
    for q in data["questions"]:
        assert f"{q['id']}:" in out.stdout and f"answer: {q['answer']}" in out.stdout
        assert q["prompt"].splitlines()[0] in out.stdout


@pytest.mark.parametrize(
    ("student", "words"),
    [("", "is empty"), ("  ", "is empty"), ("a/b", "looks like a path"), ("ada\nbob", "cannot be typed")],
)
def test_an_odd_student_id_is_a_usage_error_in_words(student: str, words: str) -> None:
    for command in (["variant", "quiz6"], ["check", "x.ipynb", "--assignment", "quiz6"]):
        out = cnngrader(*command, "--student", student)
        assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr, out.stderr


def test_variant_needs_a_student_and_an_assignment_with_variants(tmp_path: Path) -> None:
    assert cnngrader("variant", "quiz6").returncode == 2
    out = cnngrader("variant", "quiz7", "--student", "ada")
    assert out.returncode == 2 and "unknown assignment 'quiz7'" in out.stderr
    course = tmp_path / "course"
    (course / "autograder" / "quiz6").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source" / "quiz6", course / "source" / "quiz6")
    for test in (ROOT / "autograder" / "quiz6").glob("test_*.py"):
        shutil.copy(test, course / "autograder" / "quiz6")
    out = cnngrader("variant", "quiz6", "--student", "ada", "--course", str(course))
    assert out.returncode == 2 and "gives every student the same questions" in out.stderr


def check(path: Path, *args: str) -> dict[str, Any]:
    out = cnngrader("check", str(path), "--assignment", "quiz6", "--json", *args)
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def test_check_grades_the_variant_it_is_told_and_shows_its_prompts(tmp_path: Path) -> None:
    ada, bob = variant("ada"), variant("bob")
    path = tmp_path / "quiz6.ipynb"
    nbformat.write(handed_in(answers_of(ada)), path)

    as_ada = check(path, "--student", "ada")
    assert as_ada["score"] == 10 and as_ada["student"] == "ada" and as_ada["errors"] == []
    assert [q["prompt"] for q in as_ada["questions"]] == [q["prompt"] for q in ada["questions"]]

    as_bob = check(path, "--student", "bob")
    assert as_bob["score"] <= 4 and as_bob["student"] == "bob"
    assert [q["prompt"] for q in as_bob["questions"]] == [q["prompt"] for q in bob["questions"]]
    # the messages speak of the answer given, never of bob's right one
    messages = " ".join(t["message"] for q in as_bob["questions"] for t in q["tests"])
    for q in bob["questions"]:
        if q["id"] in ("q3", "q4", "q6", "q7", "q9"):
            assert q["answer"] not in messages

    canonical = check(path)  # no --student, no stated id, not in a course folder
    assert canonical["student"] is None and canonical["score"] <= 4


def test_check_without_a_student_uses_the_stated_id_else_the_folders(tmp_path: Path) -> None:
    ada = answers_of(variant("ada"))
    stated = tmp_path / "stated.ipynb"
    nbformat.write(handed_in(ada, stated="ada"), stated)
    result = check(stated)
    assert result["student"] == "ada" and result["score"] == 10 and result["errors"] == []

    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for folder in ("source", "autograder"):
        shutil.copytree(ROOT / folder, course / folder, ignore=shutil.ignore_patterns("__pycache__"))
    moved = course / "submitted" / "bob" / "quiz6" / "quiz6.ipynb"
    moved.parent.mkdir(parents=True)
    nbformat.write(handed_in(ada, stated="ada"), moved)  # ada's notebook, handed in as bob's
    result = check(moved, "--course", str(course))
    assert result["student"] == "bob" and result["score"] <= 4
    (note,) = result["errors"]
    assert "STUDENT_ID = 'ada'" in note and "'bob'" in note
