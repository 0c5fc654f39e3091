"""Student ids: what a notebook states, whose variant wins, and the student of a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from coursekit import write_course

from cnngrader.course import Course
from cnngrader.course.students import (
    ENV_VAR,
    Stated,
    check_student,
    folder_student,
    graded_student,
    id_problem,
    kernel_given,
    same_student,
    stated_in_namespace,
    stated_in_sources,
    whose_variant,
)
from cnngrader.errors import UsageError


@pytest.mark.parametrize("good", ["ada", "s1234567", "Ada Lovelace", "ada@uni.example", "Zoë", " ada "])
def test_an_id_is_a_printable_name(good: str) -> None:
    assert id_problem(good) is None
    assert check_student(good) == good.strip()


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("ada\nbob", "cannot be typed"),
        ("ada\x1b[31m", "cannot be typed"),
        ("../bob", "path"),
        ("a/b", "path"),
        ("x" * 101, "101 characters"),
        (42.5, "not an id in quotes"),
    ],
)
def test_an_odd_id_is_refused_with_what_is_wrong(bad: object, words: str) -> None:
    problem = id_problem(bad)
    assert problem is not None and words in problem
    if isinstance(bad, str):
        with pytest.raises(UsageError, match="--student"):
            check_student(bad)


def test_ids_that_differ_in_case_or_spaces_name_one_student() -> None:
    assert same_student("Ada", " ada ") and not same_student("ada", "adam")


@pytest.mark.parametrize(
    ("cells", "stated"),
    [
        ([], Stated()),
        (['STUDENT_ID = ""'], Stated()),
        (['STUDENT_ID = "  "'], Stated()),
        (['STUDENT_ID = " ada "'], Stated("ada")),
        (["STUDENT_ID = 1234567"], Stated("1234567")),
        (['STUDENT_ID: str = "ada"'], Stated("ada")),
        (['STUDENT_ID = "ada"', "x = 1", 'STUDENT_ID = "bob"'], Stated("bob")),  # the last one counts
        (['STUDENT_ID = "ada"', "this is not python (", "q1 = 'A'"], Stated("ada")),
        (['def f():\n    STUDENT_ID = "bob"\nSTUDENT_ID = "ada"'], Stated("ada")),  # top level only
    ],
)
def test_the_stated_id_is_read_from_the_source(cells: list[str], stated: Stated) -> None:
    assert stated_in_sources(cells) == stated


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("import os\nSTUDENT_ID = os.environ['USER']", "computed"),
        ('STUDENT_ID = "a/b"', "path"),
        ("STUDENT_ID = 4.5", "not an id in quotes"),
        ('STUDENT_ID = "ada\\nbob"', "cannot be typed"),
    ],
)
def test_a_stated_id_that_cannot_be_one_is_a_problem(cell: str, words: str) -> None:
    stated = stated_in_sources([cell])
    assert stated.student is None and stated.problem is not None and words in stated.problem


def test_the_kernel_states_the_same() -> None:
    assert stated_in_namespace({"STUDENT_ID": " ada "}) == Stated("ada")
    assert stated_in_namespace({}) == stated_in_namespace({"STUDENT_ID": ""}) == Stated()
    assert stated_in_namespace({"STUDENT_ID": None}) == Stated()
    assert stated_in_namespace({"STUDENT_ID": 7}) == Stated("7")
    assert stated_in_namespace({"STUDENT_ID": ["ada"]}).problem is not None


def test_the_graders_id_wins_and_a_different_stated_id_is_explained() -> None:
    assert whose_variant(given="ada", stated=Stated()).student == "ada"
    assert whose_variant(given="ada", stated=Stated("ADA")) == whose_variant(given="ada", stated=Stated())
    moved = whose_variant(given="ada", stated=Stated("bob"))
    assert moved.student == "ada"
    (note,) = moved.notes
    assert "'bob'" in note and "'ada'" in note and "STUDENT_ID = 'ada'" in note


def test_without_the_graders_id_the_stated_one_then_the_canonical_variant() -> None:
    assert whose_variant(given=None, stated=Stated("bob")).student == "bob"
    assert whose_variant(given=None, stated=Stated()).student is None
    odd = whose_variant(given=None, stated=Stated(problem="is empty"))
    assert odd.student is None and "canonical" in odd.notes[0]
    odd = whose_variant(given="ada", stated=Stated(problem="looks like a path"))
    assert odd.student == "ada" and "'ada'" in odd.notes[0] and "path" in odd.notes[0]


TESTS = {
    "test_a.py": """
        import pytest

        @pytest.mark.question("a")
        @pytest.mark.points(1)
        def test_a(sub):
            assert sub.value("a") == 1, "a is not 1"
    """
}


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return write_course(tmp_path / "course", assignment="hw1", questions={"a": 1}, tests=TESTS)


def test_the_student_of_a_folder_is_where_nbgrader_puts_it(course: Course) -> None:
    notebook = course.submitted("ada", "hw1") / "hw1.ipynb"
    assert folder_student(course, notebook, "hw1") == "ada"
    assert folder_student(course, notebook.parent, "hw1") == "ada"
    assert folder_student(course, course.autograded("bob", "hw1") / "hw1.ipynb") == "bob"
    assert folder_student(course, notebook, "hw2") is None  # another assignment's folder
    assert folder_student(course, course.root / "solutions" / "hw1.ipynb", "hw1") is None
    assert folder_student(course, course.release_dir("hw1") / "hw1.ipynb") is None


def test_a_renamed_step_or_structure_moves_the_folder(tmp_path: Path) -> None:
    config = (
        'c.CourseDirectory.submitted_directory = "collected"\n'
        'c.CourseDirectory.directory_structure = "{assignment_id}/{nbgrader_step}/{student_id}"\n'
    )
    course = write_course(tmp_path / "c", assignment="hw1", questions={"a": 1}, tests=TESTS, config=config)
    assert folder_student(course, course.root / "hw1" / "collected" / "ada" / "hw1.ipynb", "hw1") == "ada"
    assert folder_student(course, course.root / "submitted" / "ada" / "hw1" / "hw1.ipynb", "hw1") is None


def test_a_kernel_learns_its_student_from_the_grader_then_its_folder(course: Course) -> None:
    folder = course.autograded("ada", "hw1")
    folder.mkdir(parents=True)
    assert kernel_given(env={ENV_VAR: "bob"}, cwd=folder) == (True, "bob")
    assert kernel_given(env={ENV_VAR: ""}, cwd=folder) == (True, None)  # the canonical variant, said so
    assert kernel_given(env={}, cwd=folder) == (True, "ada")
    assert kernel_given(env={}, cwd=course.root) == (False, None)
    assert graded_student("carol", env={}, cwd=folder) == "ada"
    assert graded_student("carol", env={}, cwd=course.root) == "carol"
    assert graded_student("", env={}, cwd=course.root) is None
    assert graded_student("a/b", env={}, cwd=course.root.parent) is None  # no course at all
