"""The Course: finding it, reading its nbgrader settings, discovering its assignments, and saying
clearly what is wrong with a course folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from coursekit import write_course

from cnngrader.course import Course
from cnngrader.errors import CourseError, UsageError

TEST = '''
import pytest
pytestmark = pytest.mark.question("{q}")

@pytest.mark.points({points})
def test_{q}(sub):
    """{q} is right"""
    assert sub.value("{q}") == 1, "not right"
'''


def hidden_tests(points: dict[str, float]) -> dict[str, str]:
    return {f"test_{q}.py": TEST.format(q=q, points=p) for q, p in points.items()}


def toy(root: Path, questions: dict[str, float] | None = None, **kw) -> Course:
    questions = questions or {"a": 2.0, "b": 1.0}
    tests = kw.pop("tests", None) or hidden_tests(questions)
    return write_course(root, assignment="hw1", questions=questions, tests=tests, **kw)


# -- finding the course ---------------------------------------------------------------------------


def make_course(root: Path) -> Path:
    (root / "autograder").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("")
    return root


def test_walks_up_from_an_autograded_folder(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    deep = course / "autograded" / "alice" / "lab6"
    deep.mkdir(parents=True)
    assert Course.find(deep, env={}).root == course.resolve()


def test_the_environment_wins(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    assert Course.find(tmp_path, env={"CNNGRADER_COURSE": str(course)}).root == course.resolve()


def test_a_wrong_environment_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="CNNGRADER_COURSE"):
        Course.find(tmp_path, env={"CNNGRADER_COURSE": str(tmp_path)})


def test_no_course_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text("")  # config alone is not a course: no hidden tests
    with pytest.raises(CourseError, match="no course folder"):
        Course.find(tmp_path, env={})
    with pytest.raises(CourseError, match="no autograder/"):
        Course.open(tmp_path)


# -- the course's settings ------------------------------------------------------------------------


def test_nbgrader_directory_settings_move_every_path(tmp_path: Path) -> None:
    course = toy(
        tmp_path,
        config="""
        c.CourseDirectory.submitted_directory = "collected"
        c.CourseDirectory.autograded_directory = "graded"
        c.CourseDirectory.feedback_directory = "returned"
        c.CourseDirectory.db_url = "sqlite:////elsewhere/grades.db"
    """,
    )
    assert course.submitted("ada", "hw1") == tmp_path.resolve() / "collected" / "ada" / "hw1"
    assert course.autograded("ada", "hw1") == tmp_path.resolve() / "graded" / "ada" / "hw1"
    assert course.feedback("ada", "hw1") == tmp_path.resolve() / "returned" / "ada" / "hw1"
    assert course.db_path == Path("/elsewhere/grades.db")


def test_a_directory_structure_is_followed_both_ways(tmp_path: Path) -> None:
    course = toy(
        tmp_path,
        config='c.CourseDirectory.directory_structure = "{nbgrader_step}/{assignment_id}/{student_id}"\n',
    )
    assert course.submitted("ada", "hw1") == tmp_path.resolve() / "submitted" / "hw1" / "ada"
    assert course.source_dir("hw1") == tmp_path.resolve() / "source" / "hw1"
    for student in ("ada", "bob"):
        course.submitted(student, "hw1").mkdir(parents=True)
    (tmp_path / "submitted" / "hw2" / "cyd").mkdir(parents=True)
    assert course.submitting_students("hw1") == ["ada", "bob"]


def test_a_structure_without_its_keys_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match=r"lacks \{student_id\}"):
        toy(tmp_path, config='c.CourseDirectory.directory_structure = "{nbgrader_step}/{assignment_id}"\n')


# -- assignments are discovered -------------------------------------------------------------------


def test_questions_points_and_names_come_from_the_course(tmp_path: Path) -> None:
    answers = {"a": "### BEGIN SOLUTION\ndef f(x):\n    return x\nA, B = 1, 2\n### END SOLUTION"}
    course = toy(tmp_path, answers=answers)
    assert course.assignment_ids() == ("hw1",)
    hw1 = course.assignment("hw1")
    assert [(q.id, q.points) for q in hw1.questions] == [("a", 2.0), ("b", 1.0)]
    assert hw1.question("a").names == ("f", "A", "B") and hw1.question("b").names == ("b",)
    assert hw1.notebook == "hw1.ipynb" and hw1.max_score == 3.0


def test_an_unknown_assignment_lists_the_known_ones(tmp_path: Path) -> None:
    course = toy(tmp_path)
    with pytest.raises(UsageError, match=r"unknown assignment 'hw9'.*hw1"):
        course.assignment("hw9")
    with pytest.raises(UsageError, match="not an assignment id"):
        course.assignment("../hw1")


def problem(tmp_path: Path, **kw) -> str:
    with pytest.raises(CourseError) as caught:
        toy(tmp_path, **kw).assignment("hw1")
    return str(caught.value)


def test_a_question_with_tests_but_no_grade_cell(tmp_path: Path) -> None:
    message = problem(tmp_path, tests=hidden_tests({"a": 2.0, "b": 1.0, "c": 1.0}))
    assert "test_c.py" in message and "no grade cell with grade_id 'c'" in message


def test_a_grade_cell_without_tests(tmp_path: Path) -> None:
    message = problem(tmp_path, tests=hidden_tests({"a": 2.0}))
    assert "hw1.ipynb" in message and "'b' has no hidden test" in message


def test_points_that_disagree(tmp_path: Path) -> None:
    message = problem(tmp_path, tests=hidden_tests({"a": 1.5, "b": 1.0}))
    assert "test_a.py" in message and "worth 1.5 points, but its grade cell gives 2" in message


def test_a_test_without_a_question_marker(tmp_path: Path) -> None:
    bare = "import pytest\n\n@pytest.mark.points(1)\ndef test_x(sub):\n    pass\n"
    message = problem(tmp_path, tests={**hidden_tests({"a": 2.0, "b": 1.0}), "test_bare.py": bare})
    assert "test_bare.py" in message and "test_x has no question marker" in message


def test_a_test_without_points(tmp_path: Path) -> None:
    text = TEST.format(q="b", points=1).replace("@pytest.mark.points(1)\n", "")
    message = problem(tmp_path, tests={**hidden_tests({"a": 2.0}), "test_b.py": text})
    assert "test_b.py" in message and "no points marker" in message


def test_a_broken_hidden_test_file(tmp_path: Path) -> None:
    message = problem(tmp_path, tests={**hidden_tests({"a": 2.0, "b": 1.0}), "test_b.py": "def test_(:\n"})
    assert "test_b.py is not valid Python" in message


def test_a_grade_cell_without_points(tmp_path: Path) -> None:
    course = toy(tmp_path)
    path = course.source_dir("hw1") / "hw1.ipynb"
    nb = json.loads(path.read_text())
    del nb["cells"][1]["metadata"]["nbgrader"]["points"]
    path.write_text(json.dumps(nb))
    with pytest.raises(CourseError, match=r"hw1.ipynb: the grade cell 'a' \(cell 2\) has no points"):
        Course.open(tmp_path).assignment("hw1")


def test_a_missing_source_notebook(tmp_path: Path) -> None:
    course = toy(tmp_path)
    (course.source_dir("hw1") / "hw1.ipynb").unlink()
    with pytest.raises(CourseError, match="has no notebook"):
        Course.open(tmp_path).assignment("hw1")


def test_an_assignment_id_that_is_not_a_folder(tmp_path: Path) -> None:
    course = toy(tmp_path)
    shutil.rmtree(course.source_dir("hw1"))
    (tmp_path / "source" / "hw1").write_text("a file, not a folder")
    with pytest.raises(CourseError, match="is not a folder"):
        Course.open(tmp_path).assignment("hw1")


def test_two_notebooks_in_one_assignment(tmp_path: Path) -> None:
    course = toy(tmp_path)
    shutil.copy(course.source_dir("hw1") / "hw1.ipynb", course.source_dir("hw1") / "extra.ipynb")
    with pytest.raises(CourseError, match=r"holds 2 notebooks \(extra.ipynb, hw1.ipynb\)"):
        Course.open(tmp_path).assignment("hw1")


def test_a_notebook_that_claims_another_assignment(tmp_path: Path) -> None:
    course = toy(tmp_path)
    path = course.source_dir("hw1") / "hw1.ipynb"
    path.write_text(
        path.read_text().replace('grade_question(\\"hw1\\", \\"a\\"', 'grade_question(\\"hw0\\", \\"a\\"')
    )
    with pytest.raises(
        CourseError, match=r"calls grade_question\('hw0', 'a'\).*copied from another assignment"
    ):
        Course.open(tmp_path).assignment("hw1")
