"""Kills at any moment: of a worker, of the command (SIGKILL), Ctrl-C. No finished grade is lost."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cnngrader.batch.snapshot import read_snapshot
from cnngrader.batch.state import load_record
from cnngrader.confine.trusted.procfs import children
from cnngrader.course import Course

from .batchkit import HERE, answers, expected_score, fake_judge_env, student_notebook, submit

pytestmark = pytest.mark.slow
STUDENTS = [f"s{i:02d}" for i in range(12)]


def slow_course(course: Path, seconds: float = 0.4) -> dict[str, dict[str, str | None]]:
    """Twelve submissions that take ``seconds`` each to grade; some wrong, some unanswered."""
    cases = {}
    for i, student in enumerate(STUDENTS):
        ans = answers(wrong=("q1", "q2")[: i % 3], missing=("q9",) if i % 4 == 0 else ())
        submit(course, student, student_notebook(ans, extra=f"# FAKE: sleep {seconds}"))
        cases[student] = ans
    return cases


def start_grade(course: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, **fake_judge_env()}
    cmd = [sys.executable, str(HERE / "run_fake_grade.py"), str(course), *extra]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def records(course: Path) -> dict[str, float]:
    found = {}
    for student in STUDENTS:
        record = load_record(course / ".cnngrader" / "records" / "quiz6" / student / "record.json")
        if record is not None:
            found[student] = record.result.score
    return found


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def wait_gone(pids: list[int], timeout: float = 30.0) -> None:
    wait_for(lambda: not any(Path(f"/proc/{p}").exists() and _alive(p) for p in pids), timeout)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def graded_log(course: Path) -> collections.Counter[str]:
    log = course / "fake-judge.log"
    lines = log.read_text().split("\n") if log.exists() else []
    return collections.Counter(line.split()[0] for line in lines if line.strip())


def assert_gradebook_consistent(course: Path) -> dict[str, dict[str, float | None]]:
    """Every submission in the gradebook either holds its record's scores or none yet."""
    snapshot = read_snapshot(Course.open(course), "quiz6", "quiz6")
    assert snapshot is not None
    for student, scores in snapshot.scores.items():
        record = load_record(course / ".cnngrader" / "records" / "quiz6" / student / "record.json")
        assert record is not None, f"{student} is in the gradebook without a record"
        if any(v is not None for v in scores.values()):
            assert scores == record.scores(), student
    return snapshot.scores


def assert_all_graded_once(course: Path, cases: dict[str, dict[str, str | None]]) -> None:
    assert records(course) == {s: expected_score(a) for s, a in cases.items()}
    assert graded_log(course) == dict.fromkeys(STUDENTS, 1)
    snapshot = read_snapshot(Course.open(course), "quiz6", "quiz6")
    assert snapshot is not None
    assert {s: sum(v or 0 for v in sc.values()) for s, sc in snapshot.scores.items()} == records(course)


def test_command_killed_mid_batch_then_rerun_grades_everything_once(course):
    cases = slow_course(course)
    proc = start_grade(course)
    wait_for(lambda: len(records(course)) >= 3)
    workers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    wait_gone(workers)  # orphaned workers finish the submission they hold, then exit
    done = records(course)
    assert 3 <= len(done) < len(STUDENTS)
    assert_gradebook_consistent(course)

    rerun = start_grade(course)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert f"{len(STUDENTS) - len(done)} graded now, {len(done)} unchanged" in out
    assert_all_graded_once(course, cases)


def test_ctrl_c_stops_quickly_keeps_finished_grades_and_rerun_finishes(course):
    # Slow enough that Ctrl-C surely lands mid-batch, however busy the machine (ten left, 20 s of work).
    cases = slow_course(course, seconds=2.0)
    proc = start_grade(course)
    wait_for(lambda: len(records(course)) >= 2)
    workers = children(proc.pid)
    started = time.monotonic()
    assert proc.poll() is None, "the batch ended before Ctrl-C could be tested"
    graded_before = len(records(course))
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    after = len(records(course))
    said = f"exit {proc.returncode}, {graded_before} graded at Ctrl-C, {after} after: {err[-300:]}"
    assert proc.returncode == 130 and "Interrupted" in err, said
    assert time.monotonic() - started < 15  # a few seconds on a quiet machine
    wait_gone(workers, timeout=10)  # stopped with the command, not orphaned
    done = records(course)
    assert set(assert_gradebook_consistent(course)) <= set(done)

    rerun = start_grade(course)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert records(course) == {s: expected_score(a) for s, a in cases.items()}


def test_a_worker_killed_mid_batch_is_replaced_and_its_submission_retried(course, grade):
    cases = slow_course(course, seconds=0.5)
    killed: list[int] = []

    def kill_one_busy_worker() -> None:
        wait_for(lambda: len(records(course)) >= 2)
        workers = [p for p in children(os.getpid()) if b"cnngrader.batch.worker" in _cmdline(p)]
        os.kill(workers[0], signal.SIGKILL)
        killed.append(workers[0])

    killer = threading.Thread(target=kill_one_busy_worker)
    killer.start()
    report = grade(jobs=2)
    killer.join()
    assert killed
    assert len(report.retried) == 1
    retried = report.record(report.retried[0])
    assert retried.attempts == 2 and retried.result.score == expected_score(cases[retried.student])
    assert {r.student: r.result.score for r in report.records} == {
        s: expected_score(a) for s, a in cases.items()
    }
    assert sum(w.starts for w in report.workers) == 3


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_idle_rerun_starts_nothing_and_imports_nothing_heavy(course):
    for student in STUDENTS[:6]:
        submit(course, student, student_notebook(answers()))
    t0 = time.monotonic()
    first = start_grade(course, "--report-imports")
    out, err = first.communicate(timeout=120)
    first_seconds = time.monotonic() - t0
    assert first.returncode == 0, err

    t0 = time.monotonic()
    idle = start_grade(course, "--report-imports")
    out, err = idle.communicate(timeout=60)
    idle_seconds = time.monotonic() - t0
    assert idle.returncode == 0, err
    assert "0 graded now, 6 unchanged" in out
    assert "IMPORTED:\n" in out or out.rstrip().endswith("IMPORTED:")
    print(f"first grade {first_seconds:.1f} s, idle rerun {idle_seconds:.1f} s")  # measured, not asserted
