"""``cnngrader report`` on the sample course graded by the real engine, against ``cnngrader export``."""

from __future__ import annotations

import csv
import html
import json
import shutil
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from cnngrader.analysis import write_report
from cnngrader.analysis.choices import letters
from cnngrader.answers import as_letter
from cnngrader.course import Course
from cnngrader.course.variants import option_meaning

from .conftest import cnngrader
from .kit import REPO, synthetic_quiz, write_course

pytestmark = pytest.mark.slow


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_report_writes_the_page_and_difficulty_matches_the_export(graded_course: Path, tmp_path: Path,
                                                                  assignment: str) -> None:  # fmt: skip
    out = tmp_path / "report"
    done = cnngrader("report", assignment, "--to", str(out), cwd=graded_course)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out / 'index.html'} and {out / 'items.csv'}"
    assert (out / "index.html").read_text().startswith("<!DOCTYPE html>")

    exported = tmp_path / "grades.csv"
    assert cnngrader("export", assignment, "--to", str(exported), cwd=graded_course).returncode == 0
    questions = Course.open(graded_course).assignment(assignment).questions
    grades = [row for row in read_csv(exported) if row["score"] and any(row[q.id] for q in questions)]
    items = read_csv(out / "items.csv")
    assert [row["question"] for row in items] == [q.id for q in questions]
    for row in items:
        column = [float(g[row["question"]]) for g in grades if g[row["question"]] != ""]
        assert int(row["students"]) == len(column)
        assert float(row["mean"]) == pytest.approx(statistics.fmean(column), abs=1e-6)
        assert float(row["difficulty"]) == pytest.approx(statistics.fmean(column) / float(row["max_score"]),
                                                         abs=1e-6)  # fmt: skip


def test_option_counts_are_the_answers_in_the_records(graded_course: Path, tmp_path: Path) -> None:
    """Each student's letter is counted as the option it stood for in their own variant."""
    course = Course.open(graded_course)
    students = sorted(p.name for p in (graded_course / "submitted").iterdir() if (p / "quiz6").is_dir())
    answers = {
        s: json.loads(course.record_path(s, "quiz6").read_text())["result"].get("answers") for s in students
    }
    assert all(a is not None for a in answers.values()), "every fresh record keeps its answers"
    meaning = option_meaning(course=course, assignment="quiz6")
    assert meaning is not None, "quiz6 gives each student their own options"
    chosen = [
        meaning(SimpleNamespace(student=s), "q10", as_letter(a["q10"], "q10"))
        for s, a in answers.items()
        if isinstance(a.get("q10"), str) and letters(a["q10"])
    ]
    assert len(chosen) >= 5, "the sample course answers q10 with letters"

    out = write_report(course=Course.open(graded_course), assignment="quiz6", to=tmp_path / "r")
    page = (out / "index.html").read_text()
    table = page[page.index("<caption>Options of q10</caption>") :]
    for option in sorted(set(chosen)):
        assert f'<tr><td>{html.escape(option)}</td><td class="n">{chosen.count(option)}</td>' in table


def test_the_default_folder_is_reports_id_in_the_course(graded_course: Path) -> None:
    done = cnngrader("report", "lab6", cwd=graded_course)
    assert done.returncode == 0, done.stderr
    folder = graded_course.resolve() / "reports" / "lab6"
    assert str(folder / "index.html") in done.stdout and (folder / "items.csv").is_file()


def test_a_course_without_records_says_to_grade_first(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    for part in ("source/lab6", "autograder/lab6"):
        shutil.copytree(REPO / part, course / part)
    (course / "submitted" / "ann" / "lab6").mkdir(parents=True)
    done = cnngrader("report", "lab6", cwd=course)
    assert done.returncode == 3
    assert done.stderr.startswith("Error: no graded submissions of 'lab6'")
    assert "(1 submitted): run `cnngrader grade lab6` first" in done.stderr
    unknown = cnngrader("report", "lab7", cwd=course)
    assert unknown.returncode == 2 and "unknown assignment 'lab7'" in unknown.stderr


def test_a_thousand_students(tmp_path: Path) -> None:
    course = write_course(tmp_path / "big", synthetic_quiz(1000, seed=5))
    start = time.perf_counter()
    out = write_report(course=Course.open(course), assignment="quiz6")
    seconds = time.perf_counter() - start
    rows = read_csv(out / "items.csv")
    assert len(rows) == 10 and all(int(r["students"]) == 1000 and r["discrimination"] for r in rows)
    assert all(float(r["discrimination"]) > 0.2 for r in rows), "an ability model gives items that separate"
    assert "discrimination values are rough" not in (out / "index.html").read_text()
    print(f"{seconds:.1f} s for 1,000 students")  # measured, not asserted
