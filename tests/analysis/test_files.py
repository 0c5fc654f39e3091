"""Reading a course's records and writing the report's files, on synthetic courses."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnngrader.analysis import course_findings, write_report
from cnngrader.course import Course
from cnngrader.errors import CourseError

from .kit import synthetic_quiz, write_course


def test_students_who_submitted_without_a_record_are_listed_not_counted(tmp_path: Path) -> None:
    course = write_course(tmp_path / "course", synthetic_quiz(12, seed=4))
    (course / "submitted" / "zoe" / "quiz6").mkdir(parents=True)
    findings = course_findings(course=Course.open(course), assignment="quiz6")
    assert findings.students == 12 and findings.ungraded == ("zoe",)


def test_the_default_folder_is_in_the_course_and_both_files_are_written(tmp_path: Path) -> None:
    course = write_course(tmp_path / "course", synthetic_quiz(12, seed=4))
    folder = write_report(course=Course.open(course), assignment="quiz6")
    assert folder == course.resolve() / "reports" / "quiz6"
    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "items.csv"]


def test_to_must_be_a_folder(tmp_path: Path) -> None:
    course = write_course(tmp_path / "course", synthetic_quiz(12, seed=4))
    taken = tmp_path / "report.html"
    taken.write_text("mine")
    with pytest.raises(CourseError, match="that is a file; give a folder"):
        write_report(course=Course.open(course), assignment="quiz6", to=taken)
    assert taken.read_text() == "mine"
