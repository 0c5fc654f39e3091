"""release/ is exactly what nbgrader makes of source/, and nothing secret ever reaches it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from coursekit import write_course

from cnngrader.course import Course
from cnngrader.course.leaks import find_leaks, secret_lines
from cnngrader.course.release import release_assignment
from cnngrader.errors import CourseError, UsageError

from .conftest import ASSIGNMENTS, REPO, copy_course, read_nb, release_nb, source_nb

# nbformat may write these differently from one version to the next; nbgrader's content is the rest.
VOLATILE_NB_METADATA = ("language_info",)


def comparable(nb: Any) -> dict[str, Any]:
    """A notebook as a plain dict, minus what does not come from source/ and nbgrader."""
    data = json.loads(nbformat.writes(nb))
    for key in VOLATILE_NB_METADATA:
        data["metadata"].pop(key, None)
    return data


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_what_nbgrader_generates_now(tmp_path: Path, assignment: str) -> None:
    course = copy_course(tmp_path / "course")
    report = release_assignment(course=Course.open(course), assignment=assignment)
    fresh, committed = course / "release" / assignment, REPO / "release" / assignment
    assert files(fresh) == files(committed)
    for name in files(committed):
        assert comparable(read_nb(fresh / name)) == comparable(read_nb(committed / name)), (
            f"release/{assignment}/{name} is stale: run `cnngrader release {assignment}`"
        )
    assert report.secret_lines_checked == len(secret_lines(source_nb(assignment))) > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_or_hidden_test_line_is_released(assignment: str) -> None:
    source, release = source_nb(assignment), release_nb(assignment)
    assert find_leaks(source, release, notebook=assignment) == []
    released = "\n".join(c.source for c in release.cells)
    for line, kind in secret_lines(source).items():
        assert line not in released, f"{kind} line {line!r} is in release/{assignment}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_solution_line_is_checked(assignment: str) -> None:
    # The proof is only as good as its list of secrets: every line of every answer must be on it,
    # except lines the student sees anyway (the def line, the docstring, super().__init__()...).
    source = source_nb(assignment)
    secrets = secret_lines(source)
    for cell in source.cells:
        lines = cell.source.splitlines()
        if "### BEGIN SOLUTION" not in cell.source:
            continue
        inside = False
        for line in lines:
            if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
                inside = "BEGIN" in line
            elif inside and line.strip() and any(ch.isalnum() for ch in line):
                assert line.strip() in secrets, f"{line.strip()!r} escaped the leak proof"


def leaky_course(root: Path, config: str) -> Path:
    """A course whose nbgrader config no longer recognises this course's region markers."""
    test = (
        "import pytest\npytestmark = pytest.mark.question('a')\n\n"
        "@pytest.mark.points(1)\ndef test_a(sub):\n    assert sub.value('answer') == 42, 'no'\n"
    )
    tests = {"test_a.py": test}
    course = write_course(root, assignment="demo", questions={"a": 1}, tests=tests, config=config)
    path = course.source_dir("demo") / "demo.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("x = 1\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"))
    nbformat.write(nb, path)
    return root


@pytest.mark.slow
def test_a_leak_stops_the_release(tmp_path: Path) -> None:
    config = """
        c.ClearSolutions.begin_solution_delimeter = "BEGIN ANSWER"
        c.ClearSolutions.end_solution_delimeter = "END ANSWER"
    """
    course = leaky_course(tmp_path, config)
    with pytest.raises(CourseError, match="answer = 42"):
        release_assignment(course=Course.open(course), assignment="demo")


def test_a_missing_assignment_is_a_course_error(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    with pytest.raises(UsageError, match="unknown assignment 'lab7'"):
        release_assignment(course=Course.open(course), assignment="lab7")


def test_a_folder_without_config_is_not_a_course(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match=r"not a course folder: it has no nbgrader_config\.py"):
        release_assignment(course=Course.open(tmp_path), assignment="lab6")
