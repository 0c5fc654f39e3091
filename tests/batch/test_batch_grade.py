"""The batch with the fake judge: what is graded, what is recorded, what the gradebook holds."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader import utils as nbgrader_utils

from cnngrader.batch.gradebook import read_grades
from cnngrader.batch.state import Status, load_record
from cnngrader.course import Course
from cnngrader.errors import UsageError

from .batchkit import NBFORMAT3, QUESTIONS, answers, expected_score, student_notebook, submit


def gradebook_scores(course: Path) -> dict[str, dict[str, float]]:
    view = read_grades(Course.open(course), "quiz6")
    return {s.student: s.scores for s in view.students if s.submitted}


def test_grades_land_in_records_gradebook_feedback_and_autograded(course, grade):
    cases = {"ada": answers(), "bob": answers(wrong=("q3", "q8")), "cyd": answers(missing=("q1",))}
    for student, ans in cases.items():
        submit(course, student, student_notebook(ans), timestamp="2025-03-01 10:00:00 UTC")
    report = grade()
    assert report.graded == ("ada", "bob", "cyd")
    book = gradebook_scores(course)
    for student, ans in cases.items():
        record = report.record(student)
        assert record.result.score == expected_score(ans)
        assert sum(book[student][q] for q in QUESTIONS) == expected_score(ans)
        assert load_record(course / ".cnngrader" / "records" / "quiz6" / student / "record.json") == record
        assert not (course / "autograded" / student / "quiz6" / "cnngrader.json").exists()
        html = (course / "feedback" / student / "quiz6" / "quiz6.html").read_text()
        assert "q1" in html and "<html" in html
        run = json.loads((course / "autograded" / student / "quiz6" / "quiz6.ipynb").read_text())
        code = [c for c in run["cells"] if c["cell_type"] == "code" and not is_grade_cell(c)]
        assert all(c["outputs"][0]["text"].startswith("ran cell") for c in code)
    assert book["bob"]["q3"] == 0.0 and book["bob"]["q4"] == 1.0
    assert report.record("cyd").result.question("q1").tests[0].outcome.value == "not_attempted"


def is_grade_cell(cell: dict) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade"))


def test_grade_cells_show_each_questions_result_as_nbgrader_reads_it(course, grade):
    """formgrader and nbgrader generate_feedback show a grade cell's outputs: the reasons go there."""
    submit(course, "bob", student_notebook(answers(wrong=("q3", "q8"))))
    record = grade().record("bob")
    run = json.loads((course / "autograded" / "bob" / "quiz6" / "quiz6.ipynb").read_text())
    grade_cells = {c["metadata"]["nbgrader"]["grade_id"]: c for c in run["cells"] if is_grade_cell(c)}
    assert sorted(grade_cells) == sorted(QUESTIONS)
    for question in QUESTIONS:
        cell, result = grade_cells[question], record.result.question(question)
        streams = [o for o in cell["outputs"] if o["output_type"] == "stream"]
        assert [o["name"] for o in streams] == ["stdout"]  # nbgrader scores a cell with stderr 0
        text = streams[0]["text"]
        assert text.startswith(f"{question}: {result.score:g} / 1 points")
        for test in result.tests:
            assert test.name in text and (test.message in text)
        # nbgrader's own reading of the cell gives the gradebook's score
        assert nbgrader_utils.determine_grade(nbformat.from_dict(cell)) == (result.score, 1.0)
    assert "[FAILED]" in grade_cells["q3"]["outputs"][0]["text"]
    assert "[passed]" in grade_cells["q4"]["outputs"][0]["text"]


@pytest.mark.slow
def test_nbgrader_generate_feedback_shows_why_points_were_lost(course, grade):
    submit(course, "bob", student_notebook(answers(wrong=("q3",))))
    grade()
    (course / "feedback").rename(course / "cnngrader-feedback")  # nbgrader writes its own there
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_feedback", "quiz6", "--student", "bob"],
        cwd=course, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    page = html.unescape((course / "feedback" / "bob" / "quiz6" / "quiz6.html").read_text())
    assert "q3: 0 / 1 points" in page and "q3 is not the right answer" in page


def test_broken_and_hostile_submissions_do_not_stop_the_batch(course, grade):
    good = answers(wrong=("q2",))
    for student in ("a_good", "z_good"):
        submit(course, student, student_notebook(good))
    submit(course, "not_json", b"{this is not json")
    submit(course, "empty", b"")
    submit(course, "old_format", NBFORMAT3)
    (course / "submitted" / "no_file" / "quiz6").mkdir(parents=True)
    submit(course, "crasher", student_notebook(good, extra="# FAKE: crash"))
    submit(course, "hanger", student_notebook(good, extra="# FAKE: hang"))
    submit(course, "buggy", student_notebook(good, extra="# FAKE: bug"))
    submit(course, "slowpoke", student_notebook(good, extra="# FAKE: timeout q5"))

    report = grade(task_timeout=3.0, jobs=2)

    assert len(report.records) == 10
    for student in ("a_good", "z_good"):
        assert report.record(student).result.score == 9.0
    errors = {n.student: n.text for n in report.errors}
    assert set(errors) == {"not_json", "empty", "old_format", "no_file", "crasher", "hanger", "buggy"}
    assert "not valid JSON" in errors["not_json"] and "empty" in errors["empty"]
    assert "format 3" in errors["old_format"]
    assert "does not exist" in report.record("no_file").result.errors[0]
    for student in ("crasher", "hanger"):
        record = report.record(student)
        assert record.status is Status.FAILED and record.attempts == 2 and record.result.score == 0
    assert "SIGKILL" in report.record("crasher").grader_error
    assert "longer than 3 s" in report.record("hanger").grader_error
    buggy = report.record("buggy")
    assert buggy.status is Status.FAILED and buggy.attempts == 2
    assert "the grader failed (RuntimeError: a fake bug in the engine)" in buggy.grader_error
    assert "Traceback" in buggy.grader_error  # for the TA; never in the feedback page
    assert "fake bug" not in (course / "feedback" / "buggy" / "quiz6" / "quiz6.html").read_text()
    assert [n.student for n in report.timeouts] == ["slowpoke"]
    assert report.record("slowpoke").result.score == 8.0
    book = gradebook_scores(course)
    assert set(book) == {r.student for r in report.records}
    assert book["crasher"] == dict.fromkeys(QUESTIONS, 0.0)
    # Unreadable notebooks leave no autograded notebook, but a feedback page that says why.
    assert not (course / "autograded" / "empty" / "quiz6" / "quiz6.ipynb").exists()
    assert "empty" in (course / "feedback" / "empty" / "quiz6" / "quiz6.html").read_text()


def test_a_worker_that_dies_once_is_replaced_and_the_submission_retried(course, grade):
    submit(course, "ada", student_notebook(answers()))
    submit(course, "bob", student_notebook(answers(), extra="# FAKE: crash-once"))
    report = grade(jobs=2)
    record = report.record("bob")
    assert record.status is Status.GRADED and record.attempts == 2 and record.result.score == 10
    assert report.retried == ("bob",)


def test_rerun_grades_only_what_changed_and_says_whose_scores_moved(course, grade):
    from .batchkit import set_hidden_answer

    submit(course, "ada", student_notebook(answers()))
    submit(course, "bob", student_notebook(answers(wrong=("q3",))))
    submit(course, "cyd", student_notebook(answers(missing=("q3",))))
    first = grade()
    seeds = {r.student: r.seed for r in first.records}

    idle = grade()
    assert idle.graded == () and idle.unchanged == 3 and idle.moved == ()
    assert all(w.starts == 0 for w in idle.workers)

    set_hidden_answer(course, "q3", "81")  # the hidden test was wrong: bob's 81 was right
    after = grade()
    assert after.graded == ("ada", "bob", "cyd")
    moved = {m.student: m for m in after.moved}
    assert set(moved) == {"ada", "bob"}
    assert moved["ada"].questions == (("q3", -1.0),) and moved["ada"].delta == -1
    assert moved["bob"].questions == (("q3", 1.0),) and moved["bob"].after == 10
    assert moved["bob"].reason == "hidden tests changed"
    assert {r.student: r.seed for r in after.records} == seeds  # a regrade draws the same inputs
    assert gradebook_scores(course)["bob"]["q3"] == 1.0

    submit(course, "cyd", student_notebook(answers(wrong=("q1",))))  # a late resubmission
    late = grade()
    assert late.graded == ("cyd",)
    assert [(m.student, m.questions, m.reason) for m in late.moved] == [
        ("cyd", (("q1", -1.0),), "notebook changed")
    ]


def test_force_regrades_everything_and_student_filter_limits_it(course, grade):
    for student in ("ada", "bob"):
        submit(course, student, student_notebook(answers()))
    grade()
    assert grade(force=True).graded == ("ada", "bob")
    only = grade(force=True, students=["bob"])
    assert only.graded == ("bob",) and [r.student for r in only.records] == ["bob"]
    with pytest.raises(UsageError, match="zed"):
        grade(students=["zed"])


def test_gradebook_out_of_sync_is_repaired_without_regrading(course, grade):
    from cnngrader.batch.gradebook import open_gradebook

    submit(course, "ada", student_notebook(answers(wrong=("q1",))))
    grade()
    with open_gradebook(Course.open(course)) as gb:  # someone overwrote an auto score
        gb.find_grade("q2", "quiz6", "quiz6", "ada").auto_score = 0.0
        gb.db.commit()
    report = grade()
    assert report.graded == () and report.gradebook.synced == 1
    assert gradebook_scores(course)["ada"]["q2"] == 1.0


def test_manual_grades_are_kept_and_flagged_when_the_auto_score_moves(course, grade):
    from cnngrader.batch.gradebook import open_gradebook

    from .batchkit import set_hidden_answer

    submit(course, "ada", student_notebook(answers()))
    grade()
    with open_gradebook(Course.open(course)) as gb:
        g = gb.find_grade("q4", "quiz6", "quiz6", "ada")
        g.manual_score, g.needs_manual_grade = 0.5, False
        gb.db.commit()
    set_hidden_answer(course, "q4", "(1, 1, 95, 95)")
    grade()
    with open_gradebook(Course.open(course)) as gb:
        g = gb.find_grade("q4", "quiz6", "quiz6", "ada")
        assert (g.auto_score, g.manual_score, g.needs_manual_grade, g.score) == (0.0, 0.5, True, 0.5)


def test_required_isolation_the_judge_cannot_reach_is_a_user_error(course, grade):
    from cnngrader.errors import IsolationError

    submit(course, "ada", student_notebook(answers()))
    with pytest.raises(IsolationError, match="bubblewrap"):
        grade(minimum_isolation="bubblewrap")
    assert load_record(course / ".cnngrader" / "records" / "quiz6" / "ada" / "record.json") is None


def test_workers_that_cannot_start_stop_the_batch_with_their_log(course, grade):
    from cnngrader.errors import CnngraderError

    submit(course, "ada", student_notebook(answers()))
    with pytest.raises(CnngraderError, match="cannot start") as caught:
        grade(judge="fakejudge:NoSuchJudge", jobs=1)
    assert "NoSuchJudge" in str(caught.value)  # the end of the worker's log says why
    assert load_record(course / ".cnngrader" / "records" / "quiz6" / "ada" / "record.json") is None


def test_submission_folder_tricks_are_refused_with_a_reason_and_the_batch_goes_on(course, grade):
    import os

    submitted = course / "submitted"
    submit(course, "victim", student_notebook(answers()))
    (submitted / "symstudent").symlink_to("victim")
    (submitted / "symfolder").mkdir()
    (submitted / "symfolder" / "quiz6").symlink_to(submitted / "victim" / "quiz6")
    (submitted / "symnb" / "quiz6").mkdir(parents=True)
    (submitted / "symnb" / "quiz6" / "quiz6.ipynb").symlink_to(submitted / "victim" / "quiz6" / "quiz6.ipynb")
    (submitted / "fifo" / "quiz6").mkdir(parents=True)
    os.mkfifo(submitted / "fifo" / "quiz6" / "quiz6.ipynb")
    (submitted / "sparse" / "quiz6").mkdir(parents=True)
    with open(submitted / "sparse" / "quiz6" / "quiz6.ipynb", "wb") as fh:
        fh.truncate(200 * 1024**3)
    (submitted / "nbdir" / "quiz6" / "quiz6.ipynb").mkdir(parents=True)
    odd = "o'; DROP TABLE grade;-- ü"
    submit(course, odd, student_notebook(answers(wrong=("q1",))))
    stamp = submit(course, "stamp", student_notebook(answers())).parent / "timestamp.txt"
    stamp.write_bytes(b"next tuesday \x00\xff" + b"9" * (1 << 20))

    report = grade(task_timeout=20)

    scores = {r.student: r.result.score for r in report.records}
    assert scores == {"victim": 10, "symstudent": 0, "symfolder": 0, "symnb": 0, "fifo": 0, "sparse": 0,
                      "nbdir": 0, odd: 9, "stamp": 10}  # fmt: skip
    errors = {n.student: n.text for n in report.errors}
    assert "symbolic link" in errors["symstudent"] and "symbolic link" in errors["symfolder"]
    assert "symbolic link" in errors["symnb"] and "named pipe" in errors["fifo"]
    assert "MB" in errors["sparse"] and "folder" in errors["nbdir"]
    assert report.record("fifo").status is Status.REFUSED and report.record("stamp").timestamp is None
    assert gradebook_scores(course)[odd]["q2"] == 1.0
    assert grade().graded == ()  # and nothing of it is regraded on the next run
