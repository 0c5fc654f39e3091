"""End to end with the real engine: the real judge in warm workers, the real ``cnngrader`` CLI.

Every grade lands in the gradebook with the score ``cnngrader check`` gives the same notebook;
broken and hostile notebooks become those students' results; a kill of the command mid-batch
loses nothing and the rerun finishes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cnngrader.batch.gradebook import read_grades
from cnngrader.confine.trusted.procfs import children
from cnngrader.course import Course

from .batchkit import HERE, NBFORMAT3, answers, expected_score, student_notebook, submit

judge_check = pytest.importorskip("cnngrader.judge.check", reason="the grading engine is not importable")
pytestmark = pytest.mark.slow

HOSTILE = {
    "exits": "import os\nos._exit(0)",
    "kills_parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
    "reads_gradebook": "data = open('../../../gradebook.db', 'rb').read()\nq1 = 'C'",
    "floods": "for i in range(200000):\n    print('spam' * 20)",
    "spoofs": "import builtins\nbuiltins.__import__ = None",
}
SLOW = {
    "loops": "while True:\n    pass",
    "sleeps": "import time\ntime.sleep(10000)",
}


def cnngrader(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "cnngrader", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def gradebook_totals(course: Path) -> dict[str, float]:
    view = read_grades(Course.open(course), "quiz6")
    return {s.student: s.score for s in view.students if s.submitted}


def record_totals(course: Path) -> dict[str, float]:
    out = {}
    for path in sorted(course.glob(".cnngrader/records/quiz6/*/record.json")):
        out[path.parent.name] = json.loads(path.read_text())["result"]["score"]
    return out


def test_real_cli_grades_a_mixed_course_as_check_does(course: Path):
    cases = {"ada": answers(), "bob": answers(wrong=("q2", "q9")), "cyd": answers(missing=("q4",))}
    for student, ans in cases.items():
        submit(course, student, student_notebook(ans))
    for student, code in HOSTILE.items():
        submit(course, student, student_notebook(answers(wrong=("q3",)), extra=code))
    submit(course, "not_json", b"{")
    submit(course, "old_format", NBFORMAT3)

    done = cnngrader("grade", "quiz6", "--course", str(course), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "10 graded now" in done.stdout and "gradebook: 10 submissions written" in done.stdout

    totals = record_totals(course)
    assert gradebook_totals(course) == pytest.approx(totals)
    for student, ans in cases.items():
        assert totals[student] == expected_score(ans)
    assert totals["not_json"] == totals["old_format"] == 0
    assert "reads_gradebook" in totals and totals["reads_gradebook"] < 10  # no answers from outside
    for student in ("ada", "bob", "floods", "kills_parent"):
        path = course / "submitted" / student / "quiz6" / "quiz6.ipynb"
        checked = cnngrader("check", str(path), "--assignment", "quiz6", "--course", str(course), "--json")
        assert checked.returncode == 0, checked.stderr
        assert json.loads(checked.stdout)["score"] == totals[student], student
    html = (course / "feedback" / "floods" / "quiz6" / "quiz6.html").read_text()
    assert "Traceback" not in html and "ANSWER" not in html
    run = json.loads((course / "autograded" / "floods" / "quiz6" / "quiz6.ipynb").read_text())
    assert (
        max(len(json.dumps(c.get("outputs", []))) for c in run["cells"] if c["cell_type"] == "code") < 100_000
    )

    idle_start = time.monotonic()
    idle = cnngrader("grade", "quiz6", "--course", str(course))
    assert idle.returncode == 0 and "0 graded now, 10 unchanged" in idle.stdout
    assert time.monotonic() - idle_start < 3


def test_real_engine_survives_notebooks_that_never_end(course: Path, monkeypatch):
    from cnngrader.batch.grade import grade_assignment

    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    submit(course, "ada", student_notebook(answers()))
    for student, code in SLOW.items():
        submit(course, student, student_notebook(answers(), extra=code))
    report = grade_assignment(
        course=Course.open(course), assignment="quiz6", jobs=2, echo=False, judge="fastjudge:make"
    )
    assert report.record("ada").result.score == 10
    for student in SLOW:
        record = report.record(student)
        assert any("out of time" in e for e in record.result.errors), record.result.errors
        assert record.result.score == 10  # the other cells still ran
    assert {n.student for n in report.timeouts} == set(SLOW)
    spent = {stage for w in report.workers for stage, seconds in w.stage_seconds.items() if seconds > 0}
    assert {"cells", "probes", "tests"} <= spent, "the workers say where their time went"


def test_real_cli_killed_mid_batch_then_rerun_finishes_it(course: Path):
    students = [f"s{i:02d}" for i in range(24)]
    for i, student in enumerate(students):
        ans = answers(wrong=("q1",) if i % 2 else ())
        submit(course, student, student_notebook(ans, extra="import time\ntime.sleep(0.4)"))
    cmd = [sys.executable, "-m", "cnngrader", "grade", "quiz6", "--course", str(course), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(record_totals(course)) < 3:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    workers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for pid in workers:  # orphans finish the notebook they hold, then exit
        while (
            Path(f"/proc/{pid}").exists()
            and "Z" not in Path(f"/proc/{pid}/stat").read_text().split(")")[-1][:3]
        ):
            time.sleep(0.05)
    before = {p: p.stat().st_mtime_ns for p in course.glob(".cnngrader/records/quiz6/*/record.json")}
    assert 3 <= len(before) < len(students)

    rerun = cnngrader("grade", "quiz6", "--course", str(course), "--jobs", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(students) - len(before)} graded now, {len(before)} unchanged" in rerun.stdout
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())  # nothing graded twice
    totals = record_totals(course)
    assert totals == {s: 10.0 - (i % 2) for i, s in enumerate(students)}
    assert gradebook_totals(course) == pytest.approx(totals)
