"""Finding the course folder from wherever nbgrader runs a notebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnngrader.course.root import find_course_root
from cnngrader.errors import CourseError


def make_course(root: Path) -> Path:
    (root / "autograder").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("")
    return root


def test_walks_up_from_an_autograded_folder(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    deep = course / "autograded" / "alice" / "lab6"
    deep.mkdir(parents=True)
    assert find_course_root(deep, env={}) == course.resolve()


def test_the_environment_wins(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    assert find_course_root(tmp_path, env={"CNNGRADER_COURSE": str(course)}) == course.resolve()


def test_a_wrong_environment_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="CNNGRADER_COURSE"):
        find_course_root(tmp_path, env={"CNNGRADER_COURSE": str(tmp_path)})


def test_no_course_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text("")  # config alone is not a course: no hidden tests
    with pytest.raises(CourseError, match="no course folder"):
        find_course_root(tmp_path, env={})
