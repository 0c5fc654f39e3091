"""A course's own nbgrader settings, honoured as ``nbgrader autograde`` honours them.

Twin courses, one graded by ``nbgrader autograde`` and one by ``cnngrader grade``, both with the
real tools: renamed step folders, another directory structure, a gradebook elsewhere, a due date
with nbgrader's ``zero`` penalty or a course's own plugin class. Their gradebooks must hold the
same rows: the same auto scores, late penalties, timestamps and final scores.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from coursekit import answered, gradebook_rows, must, run_tool, submit, write_course

from cnngrader.course import Course

pytestmark = pytest.mark.slow

QUESTIONS = {"count": 1.0, "shape": 2.0, "letter": 3.0}
TESTS = {
    "test_count.py": '''
        import pytest
        from cnngrader.answers import as_int
        pytestmark = pytest.mark.question("count")

        @pytest.mark.points(1)
        def test_count(sub):
            """parameters of Conv2d(1, 1, 3)"""
            assert as_int(sub.value("count"), "count") == 10, "count is not right"
    ''',
    "test_shape.py": '''
        import pytest
        from cnngrader.answers import as_shape
        pytestmark = pytest.mark.question("shape")

        @pytest.mark.points(1)
        def test_height(sub):
            """the height"""
            assert as_shape(sub.value("shape"), "shape")[0] == 6, "the height is not right"

        @pytest.mark.points(1)
        def test_width(sub):
            """the width"""
            assert as_shape(sub.value("shape"), "shape")[1] == 6, "the width is not right"
    ''',
    "test_letter.py": '''
        import pytest
        from cnngrader.answers import as_letter
        pytestmark = pytest.mark.question("letter")

        @pytest.mark.points(3)
        def test_letter(sub):
            """the option that holds"""
            assert as_letter(sub.value("letter"), "letter") == "B", "not that one"
    ''',
}
DUE = "2025-03-01 12:00:00 UTC"
STUDENTS = {  # answers, and when nbgrader's exchange stamped the submission (None: no timestamp.txt)
    "ada": (
        {"count": "count = 10", "shape": "shape = (6, 6)", "letter": 'letter = "b"'},
        "2025-03-01 11:00:00 UTC",
    ),
    "bob": (
        {"count": "count = 10", "shape": "shape = (6, 7)", "letter": 'letter = "B"'},
        "2025-03-02 09:30:00 UTC",
    ),
    "cyd": ({"count": "count = 9", "shape": "shape = [6, 6]", "letter": 'letter = "A"'}, None),
    "dan": ({"count": "count = 10.0"}, "2025-03-05 00:00:00 UTC"),
}
ZERO = """
    from pathlib import Path
    ROOT = Path(__file__).resolve().parent
    c.CourseDirectory.submitted_directory = "collected"
    c.CourseDirectory.autograded_directory = "graded"
    c.CourseDirectory.feedback_directory = "returned"
    c.CourseDirectory.db_url = f"sqlite:///{ROOT / 'records' / 'grades.sqlite'}"
    c.LateSubmissionPlugin.penalty_method = "zero"
"""
OWN_PLUGIN = """
    from nbgrader.plugins import LateSubmissionPlugin

    class HalfPerDay(LateSubmissionPlugin):
        '''Half a point per started day late.'''

        def late_submission_penalty(self, student_id, score, total_seconds_late):
            return 0.5 * (int(total_seconds_late // 86400) + 1)

    c.AssignLatePenalties.plugin_class = HalfPerDay
    c.CourseDirectory.directory_structure = "{nbgrader_step}/{assignment_id}/{student_id}"
"""


def twin(root: Path, config: str) -> Course:
    """A released course with the four submissions and the due date in its gradebook."""
    answers = {q: f"### BEGIN SOLUTION\n{q} = None\n### END SOLUTION" for q in QUESTIONS}
    course = write_course(
        root, assignment="hw", questions=QUESTIONS, tests=TESTS, answers=answers, config=config
    )
    (root / "records").mkdir()  # nbgrader creates the database, not its folder
    must(run_tool(root, "cnngrader", "release", "hw"))
    must(run_tool(root, "nbgrader", "db", "assignment", "add", "hw", f"--duedate={DUE}"))
    release = course.release_dir("hw") / "hw.ipynb"
    for student, (given, stamp) in STUDENTS.items():
        cells = {f"{q}_answer": text for q, text in given.items()}
        submit(course.submitted(student, "hw"), answered(release, cells), "hw.ipynb", stamp)
    return course


@pytest.mark.parametrize(
    "config", [ZERO, OWN_PLUGIN], ids=["renamed-folders-zero-penalty", "own-plugin-structure"]
)
def test_the_gradebook_rows_are_nbgraders(tmp_path: Path, config: str) -> None:
    graded_by_nbgrader = twin(tmp_path / "nbgrader", config)
    graded_by_cnngrader = twin(tmp_path / "cnngrader", config)
    must(run_tool(graded_by_nbgrader.folder, "nbgrader", "autograde", "hw"))
    must(run_tool(graded_by_cnngrader.folder, "cnngrader", "grade", "hw"))

    theirs = gradebook_rows(graded_by_nbgrader.db_url, "hw")
    ours = gradebook_rows(graded_by_cnngrader.db_url, "hw")
    assert sorted(ours) == sorted(STUDENTS)
    assert ours == theirs
    assert ours["ada"]["score"] == 6 and ours["ada"]["penalty"] == 0  # on time, all right
    assert ours["bob"]["penalty"] > 0 and ours["cyd"]["timestamp"] is None
    for student in STUDENTS:  # where this course keeps nbgrader's other steps
        assert (graded_by_cnngrader.autograded(student, "hw") / "hw.ipynb").is_file()
        assert (graded_by_cnngrader.feedback(student, "hw") / "hw.html").is_file()


def test_zero_penalty_takes_the_late_students_score(tmp_path: Path) -> None:
    course = twin(tmp_path / "course", ZERO)
    done = must(run_tool(course.folder, "cnngrader", "grade", "hw"))
    rows = gradebook_rows(course.db_url, "hw")
    final = {student: row["score"] - row["penalty"] for student, row in rows.items()}
    assert rows["bob"]["score"] == 5 and rows["bob"]["penalty"] == 5  # 5 of 6 right, a day late: 0
    assert final == {"ada": 6, "bob": 0, "cyd": 2, "dan": 0}
    assert "4 students graded" in done.stdout
    assert (tmp_path / "course" / "collected").is_dir() and not (tmp_path / "course" / "submitted").exists()
    shutil.rmtree(tmp_path / "course" / "graded")  # gone outputs do not make a rerun grade again
    again = must(run_tool(course.folder, "cnngrader", "grade", "hw"))
    assert "0 graded now, 4 unchanged" in again.stdout
