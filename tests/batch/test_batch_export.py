"""Exports read back (csv, json) and agree with the gradebook (nbgrader's API) and `nbgrader export`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnngrader.batch.export import Format, destination, export_grades
from cnngrader.batch.gradebook import open_gradebook, read_grades
from cnngrader.course import Course
from cnngrader.errors import UsageError

from .batchkit import QUESTIONS, answers, expected_score, student_notebook, submit

CASES = {"ada": answers(), "bob": answers(wrong=("q3", "q8")), "cyd": answers(missing=("q1", "q2"))}


@pytest.fixture
def graded(course: Path, grade) -> Path:
    for student, ans in CASES.items():
        submit(course, student, student_notebook(ans), timestamp="2025-03-01 10:00:00.000000 UTC")
    submit(course, "dud", b"not a notebook")
    grade()
    with open_gradebook(Course.open(course)) as gb:
        gb.add_student("eve")  # on the roster, never submitted
        g = gb.find_grade("q3", "quiz6", "quiz6", "bob")
        g.manual_score = 0.5  # a TA's regrade request, accepted in formgrader
        gb.db.commit()
    return course


def nbgrader_export(course: Path) -> dict[str, dict[str, str]]:
    subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=course, check=True, capture_output=True)
    with open(course / "grades.csv", newline="") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh) if row["assignment"] == "quiz6"}


@pytest.mark.slow
def test_csv_agrees_with_the_gradebook_and_nbgrader_export(graded: Path):
    path = export_grades(course=Course.open(graded), assignment="quiz6", to=graded / "out" / "grades.csv")
    with open(path, newline="") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    view = read_grades(Course.open(graded), "quiz6")
    theirs = nbgrader_export(graded)

    assert set(rows) == {"ada", "bob", "cyd", "dud", "eve"} == set(theirs)
    for s in view.students:
        row = rows[s.student]
        assert (
            float(row["score"]) == pytest.approx(s.score) == pytest.approx(float(theirs[s.student]["score"]))
        )
        assert float(row["max_score"]) == float(theirs[s.student]["max_score"]) == 10.0
        assert row["timestamp"] == theirs[s.student]["timestamp"]
        for q in QUESTIONS:
            assert row[q] == ("" if not s.submitted else str(s.scores[q]))
    assert float(rows["bob"]["score"]) == expected_score(CASES["bob"]) + 0.5
    assert float(rows["cyd"]["score"]) == expected_score(CASES["cyd"])
    assert rows["eve"]["q1"] == "" and float(rows["eve"]["score"]) == 0.0
    assert float(rows["dud"]["score"]) == 0.0 and rows["dud"]["q1"] == "0.0"


def test_gradescope_results_read_back(graded: Path):
    folder = export_grades(course=Course.open(graded), assignment="quiz6", to=graded / "results.json")
    assert folder == graded / "results"
    files = sorted(p.parent.name for p in folder.glob("*/results.json"))
    assert files == ["ada", "bob", "cyd", "dud"]  # eve never submitted
    view = {s.student: s for s in read_grades(Course.open(graded), "quiz6").students}
    for student in files:
        data = json.loads((folder / student / "results.json").read_text())
        assert data["score"] == pytest.approx(view[student].score)
        names = [t["name"] for t in data["tests"]]
        assert all(t["status"] in ("passed", "failed") for t in data["tests"] if "status" in t)
        assert len(names) == len(set(names))
    ada = json.loads((folder / "ada" / "results.json").read_text())
    assert sum(t["score"] for t in ada["tests"]) == ada["score"] == 10
    bob = json.loads((folder / "bob" / "results.json").read_text())
    manual = [t for t in bob["tests"] if t["name"] == "q3: score in the gradebook"]
    assert manual and manual[0]["score"] == 0.5
    cyd = json.loads((folder / "cyd" / "results.json").read_text())
    assert any("not_attempted" in t["output"] for t in cyd["tests"])
    dud = json.loads((folder / "dud" / "results.json").read_text())
    assert dud["score"] == 0 and "not a notebook" in dud["output"]


def test_destinations():
    assert destination(Path("g.csv")) == (Format.CSV, Path("g.csv"))
    assert destination(Path("x/results.json")) == (Format.GRADESCOPE, Path("x/results"))
    assert destination(Path("gradescope")) == (Format.GRADESCOPE, Path("gradescope"))
    with pytest.raises(UsageError, match=r"grades\.xlsx"):
        destination(Path("grades.xlsx"))


def test_export_through_the_cli(graded: Path):
    from cnngrader.cli import main

    assert main(["export", "quiz6", "--course", str(graded), "--to", str(graded / "g.csv")]) == 0
    assert (graded / "g.csv").read_text().startswith("assignment,student_id,timestamp,q1,")
    assert main(["export", "quiz6", "--course", str(graded), "--to", str(graded / "gs")]) == 0
    assert (graded / "gs" / "ada" / "results.json").is_file()
    # lab6 is no assignment of this course: a usage error, before the gradebook is even opened
    assert main(["export", "lab6", "--course", str(graded), "--to", str(graded / "g.csv")]) == 2
