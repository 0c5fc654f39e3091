"""Pure parts of the batch: records, fingerprints, the plan, the protocol, the summary, the page."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from cnngrader.batch.fingerprint import content_key, notebook_digest, suite_digest
from cnngrader.batch.plan import Reason, make_plan
from cnngrader.batch.progress import Progress
from cnngrader.batch.protocol import Done, Failed, Fatal, Ready, Task, decode, encode
from cnngrader.batch.state import Record, Status, failed_result, load_record, write_record
from cnngrader.batch.summary import BatchReport, ScoreChange, WorkerSummary, histogram, render_summary
from cnngrader.batch.sync import SyncReport
from cnngrader.confine import IsolationLevel
from cnngrader.course import Course
from cnngrader.course.submissions import find_submissions
from cnngrader.errors import CourseError
from cnngrader.report.html import render_feedback
from cnngrader.results import Outcome, QuestionResult, Result, TestResult

from .batchkit import QUESTIONS, answers, set_hidden_answer, student_notebook, submit

GOLDEN = Path(__file__).parent / "golden"


def result(scores: dict[str, float], errors: tuple[str, ...] = (), timeout: str = "") -> Result:
    questions = []
    for q in QUESTIONS:
        score = scores.get(q, 0.0)
        outcome = Outcome.TIMEOUT if q == timeout else Outcome.PASSED if score else Outcome.FAILED
        test = TestResult(f"{q}: the right answer", score, 1.0, outcome, "" if score else f"{q} is not right")
        questions.append(QuestionResult(q, score, 1.0, (test,)))
    return Result(
        "quiz6", "quiz6.ipynb", sum(scores.values()), 10.0, IsolationLevel.BUBBLEWRAP,
        tuple(questions), errors, 7,
    )


def record(student: str, res: Result, **kw) -> Record:
    return Record(student, "k", 7, "sha", (("test_q1.py", "abc"),), "cnngrader 0.1.0", res, **kw)


def test_record_round_trips_and_a_damaged_record_means_regrade(tmp_path: Path):
    rec = record("ada", result({"q1": 1.0}), seconds=0.02, graded_at="2025-01-01T00:00:00+00:00")
    path = tmp_path / "a" / "cnngrader.json"
    write_record(path, rec)
    assert load_record(path) == rec
    assert [p.name for p in path.parent.iterdir()] == ["cnngrader.json"]  # no temporary left behind
    path.write_text("{half a rec")
    assert load_record(path) is None
    path.write_text(json.dumps({**rec.to_dict(), "format": 99}))
    assert load_record(path) is None
    assert load_record(tmp_path / "missing.json") is None


def test_failed_result_scores_every_question_zero(course: Path):
    spec = Course.open(course).assignment("quiz6")
    none = IsolationLevel.NONE
    res = failed_result(spec=spec, notebook=Path("x.ipynb"), why="stopped", isolation=none, seed=3)
    assert [q.id for q in res.questions] == list(QUESTIONS) and res.score == 0 and res.errors == ("stopped",)


def test_suite_digest_follows_test_files_and_ignores_caches(course: Path):
    before = suite_digest(Course.open(course), "quiz6")
    (course / "autograder" / "quiz6" / "__pycache__").mkdir()
    (course / "autograder" / "quiz6" / "__pycache__" / "x.pyc").write_bytes(b"junk")
    assert suite_digest(Course.open(course), "quiz6") == before
    set_hidden_answer(course, "q3", "81")
    after = suite_digest(Course.open(course), "quiz6")
    assert after.digest != before.digest
    assert after.changed_files(dict(before.files)) == ("quiz6/test_q3.py",)
    assert notebook_digest(course / "nope.ipynb") == notebook_digest(course / "nope2.ipynb")
    assert notebook_digest(course / "nope.ipynb") != notebook_digest(course / "nbgrader_config.py")
    assert content_key(notebook="a", suite="b", engine="c", seed=1) != content_key(
        notebook="a", suite="b", engine="c", seed=2
    )


def test_plan_reasons_and_seeds(course: Path):
    c = Course.open(course)
    submit(course, "ada", student_notebook(answers()))
    submit(course, "bob", student_notebook(answers()))
    subs = find_submissions(c, "quiz6", None)
    suite = suite_digest(Course.open(course), "quiz6")
    plan = make_plan(c, "quiz6", subs, suite=suite, engine="e1", force=False)
    assert [(p.submission.student, p.reason) for p in plan.todo] == [("ada", Reason.NEW), ("bob", Reason.NEW)]
    for p in plan.todo:
        sha = notebook_digest(p.submission.notebook)
        key = content_key(notebook=sha, suite=suite.digest, engine="e1", seed=p.seed)
        rec = record(p.submission.student, result({}))
        write_record(c.record_path(p.submission.student, "quiz6"), rec.__class__(**{
            **rec.__dict__, "key": key, "seed": p.seed, "notebook_sha": sha, "suite_files": suite.files,
            "engine": "e1"}))  # fmt: skip
    assert make_plan(c, "quiz6", subs, suite=suite, engine="e1", force=False).todo == ()
    forced = make_plan(c, "quiz6", subs, suite=suite, engine="e1", force=True)
    assert {p.reason for p in forced.todo} == {Reason.FORCED}
    assert [p.seed for p in forced.todo] == [p.seed for p in plan.todo]  # a regrade keeps its seed
    assert {p.reason for p in make_plan(c, "quiz6", subs, suite=suite, engine="e2", force=False).todo} == {
        Reason.ENGINE
    }
    ada_seed = plan.todo[0].seed  # asked for again: only bob, graded with another seed, is regraded
    seeded = make_plan(c, "quiz6", subs, suite=suite, engine="e1", force=False, seed=ada_seed)
    assert [(p.submission.student, p.seed, p.reason) for p in seeded.todo] == [("bob", ada_seed, Reason.SEED)]
    submit(course, "bob", student_notebook(answers(wrong=("q1",))))
    assert [p.reason for p in make_plan(c, "quiz6", subs, suite=suite, engine="e1", force=False).todo] == [
        Reason.NOTEBOOK
    ]
    set_hidden_answer(course, "q1", '"A"')
    suite = suite_digest(Course.open(course), "quiz6")
    changed = make_plan(c, "quiz6", subs, suite=suite, engine="e1", force=False)
    assert {p.submission.student: p.reason for p in changed.todo} == {
        "ada": Reason.TESTS,
        "bob": Reason.NOTEBOOK,
    }


def test_course_checks_and_submission_discovery(tmp_path: Path, course: Path):
    with pytest.raises(CourseError, match="autograder"):
        Course.open(tmp_path)
    c = Course.open(course)
    assert c.db_url == f"sqlite:///{course / 'gradebook.db'}" and c.db_path == course / "gradebook.db"
    submit(course, "ada", student_notebook(answers()), timestamp="2025-03-01 10:00:00 UTC")
    (course / "submitted" / "bob" / "lab6").mkdir(parents=True)  # another assignment only
    subs = find_submissions(c, "quiz6", None)
    assert [(s.student, s.timestamp) for s in subs] == [("ada", "2025-03-01 10:00:00 UTC")]


def test_protocol_round_trip_and_refusals():
    for message in (
        Task("ada", "/x.ipynb", "quiz6", 3, None, 2),
        Ready(12, "bubblewrap"),
        Done("ada", {"a": 1}, 100, 200),
        Failed("ada", "Traceback ..."),
        Fatal("IsolationError", "no", 4),
    ):
        assert decode(encode(message)) == message
    for bad in (b"[]", b'{"op": "exec"}', b"not json"):
        with pytest.raises(ValueError):
            decode(bad)


def test_histogram():
    assert histogram([0, 1, 1, 1], 1) == "▃█"
    assert histogram([0, 0, 2], 2) == "█ ▄"
    assert histogram([0.5, 9.5, 9.9], 10) == "▄        █"
    assert histogram([0, 1, 1], 1, ascii_only=True) == "=@"
    assert histogram([], 4) == ""


def sample_report(course: Path) -> BatchReport:
    full = dict.fromkeys(QUESTIONS, 1.0)
    records = (
        record("ada", result(full)),
        record("bob", result({**full, "q3": 0.0, "q8": 0.0})),
        record("cyd", result({**full, "q5": 0.0}, errors=("cell 4 ran out of time",), timeout="q5")),
        record("dud", result({}, errors=("quiz6.ipynb is empty (0 bytes of notebook)",))),
        record("eve", result({}, errors=("not graded",)), status=Status.FAILED, attempts=2,
               grader_error="gave up after 2 attempts: the grading worker died (killed by SIGKILL)"),
    )  # fmt: skip
    return BatchReport(
        assignment=Course.open(course).assignment("quiz6"),
        records=records,
        graded=("bob", "cyd", "dud", "eve"),
        unchanged=1,
        moved=(ScoreChange("bob", 9.0, 8.0, (("q8", -1.0),), "hidden tests changed"),),
        retried=("eve", "eve"),
        seconds=4.5,
        workers=(
            WorkerSummary(0, 2, 3, (2.1, 1.9), 300 * 1024, 250 * 1024, IsolationLevel.BUBBLEWRAP),
            WorkerSummary(1, 1, 2, (2.2,), 310 * 1024, 240 * 1024, IsolationLevel.BUBBLEWRAP),
        ),
        gradebook=SyncReport(4, ("question 'q11' has no grade cell",)),
    )


def test_summary_matches_the_golden_file(course: Path):
    text = render_summary(sample_report(course)) + "\n"
    golden = GOLDEN / "summary.txt"
    if not golden.exists():  # first run writes it; review it, then it guards the layout
        golden.write_text(text)
    assert text == golden.read_text()


def test_report_lists_errors_and_timeouts_by_student(course: Path):
    report = sample_report(course)
    assert [n.student for n in report.errors] == ["cyd", "dud", "eve"]
    assert [(n.student, n.text) for n in report.timeouts] == [("cyd", "q5")]
    assert report.isolation == {IsolationLevel.BUBBLEWRAP: 4}


def test_failing_public_checks_are_listed_apart_from_errors(course: Path):
    full = dict.fromkeys(QUESTIONS, 1.0)
    check = "public check in cell 24 fails: step 1: expected conv 1->3 kernel 3 padding 1, found ..."
    report = dataclasses.replace(
        sample_report(course),
        records=(
            record("fay", result(full, errors=(check,))),
            record("gus", result(full, errors=(check, "cell 30 raised NameError: name 'x' is not defined"))),
        ),
    )
    assert [(n.student, n.text) for n in report.failing_checks] == [("fay", check), ("gus", check)]
    assert [(n.student, n.text) for n in report.errors] == [
        ("gus", "cell 30 raised NameError: name 'x' is not defined")
    ]
    text = render_summary(report)
    assert "public checks failing as handed in (2):" in text and "errors (1):" in text


def test_a_failing_public_check_is_said_as_such() -> None:
    from cnngrader.confine.shared.reports import CellReport, CellStatus
    from cnngrader.judge.check import notebook_errors

    cells = (
        CellReport(8, CellStatus.ERROR, "AssertionError", "conv2d_single uses torch.nn.functional.conv2d"),
        CellReport(9, CellStatus.ERROR, "TypeError", "bad operand"),
        CellReport(12, CellStatus.ERROR, "NameError", "name 'x' is not defined"),
        CellReport(14, CellStatus.ERROR, "NotImplementedError", ""),
    )
    assert notebook_errors(cells, frozenset({8, 9, 14})) == (
        "public check in cell 9 fails: conv2d_single uses torch.nn.functional.conv2d",
        "public check in cell 10 fails: TypeError: bad operand",
        "cell 13 raised NameError: name 'x' is not defined",
    )


def test_feedback_page_escapes_everything_and_keeps_layer_tables():
    table = "step  expected            found\n4     conv 3->2 pad 1     conv 3->2 pad 0"
    res = Result(
        "lab6", "lab6.ipynb", 2.0, 8.0, IsolationLevel.BUBBLEWRAP,
        (QuestionResult("cnn", 2.0, 8.0, (
            TestResult("<script>alert(1)</script>", 2.0, 2.0, Outcome.PASSED),
            TestResult("layers", 0.0, 6.0, Outcome.FAILED, table),
        )), QuestionResult("budget_cnn", 0.0, 6.0, ())),
        ("cell 3 raised NameError: name 'x' & <y> is not defined",),
    )  # fmt: skip
    page = render_feedback(res, student="o'neil <b>")
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "o&#x27;neil &lt;b&gt;" in page and "&amp; &lt;y&gt;" in page
    assert "<pre>step  expected            found\n4     conv 3-&gt;2 pad 1" in page
    assert "2 / 8" in page and "not attempted" not in page and "No test could be run" in page
    assert page.startswith("<!DOCTYPE html>") and "http" not in page.replace("https://", "")  # self-contained


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere():
    tty = FakeTerminal()
    bar = Progress(total=3, label="grade quiz6", stream=tty)
    for _ in range(3):
        bar.advance()
    bar.note("bob: the grading worker died; trying again")
    bar.close()
    assert "3/3" in tty.getvalue() and "it/s" not in tty.getvalue() and "nb/s" in tty.getvalue()
    assert "bob: the grading worker died" in tty.getvalue()

    plain = io.StringIO()
    lines = Progress(total=2, label="grade quiz6", stream=plain)
    lines.advance(error=True)
    lines.advance()
    assert plain.getvalue().splitlines() == [plain.getvalue().splitlines()[0]]
    assert plain.getvalue().startswith("grade quiz6: 2/2 graded (100%), 1 with errors")
    quiet = io.StringIO()
    Progress(total=2, label="x", echo=False, stream=quiet).advance()
    assert quiet.getvalue() == ""
