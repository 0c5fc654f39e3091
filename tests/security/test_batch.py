"""The batch a hostile submission sits in: everyone else graded right, nothing touched, nothing left.

Also the tricks only a batch can see: the submission folder itself (symlinks to another student's
work or to the solutions, a FIFO, a 200 GB sparse file, odd names, extra files beside the
notebook) and two submissions colluding through whatever survives from one child to the next.
"""

from __future__ import annotations

from typing import Any

import pytest

from .answers import MAX_SCORE
from .conftest import ALONE
from .verdicts import batch_gains, check_gains, check_problems, figures, gradebook_gains, result_problems
from .world import LAYOUT_TRICKS, World

pytestmark = pytest.mark.security

WORLDS = [
    "fast_world", "layout_world", "fifo_world", "sparse_world",
    pytest.param("fast_world_checks", marks=pytest.mark.slow),
    pytest.param("slow_world", marks=pytest.mark.slow),
]  # fmt: skip


@pytest.fixture(params=WORLDS)
def world(request: pytest.FixtureRequest) -> World:
    return request.getfixturevalue(request.param)


def test_every_batch_finishes(world: World) -> None:
    for run in world.batches:  # (a later check phase has none)
        assert not run.timed_out, f"{' '.join(run.args[:2])} did not finish in {run.seconds:.0f} s"
        assert run.returncode == 0, f"{' '.join(run.args[:2])} exited {run.returncode}:\n{run.stderr[-2000:]}"
        assert "Traceback" not in run.stdout + run.stderr, run.stderr[-2000:]


def test_honest_students_get_full_marks(world: World) -> None:
    """Interleaved with the attacks, every honest right submission gets every point, everywhere."""
    honest = world.of_role("honest")
    assert len(honest) >= 2
    wrong: dict[str, Any] = {}
    for student in honest:
        full = MAX_SCORE[student.assignment]
        record = world.record_result(student)
        if record is None or record.get("score") != full or record.get("errors"):
            wrong[f"{student.name}/{student.assignment} record"] = record and (
                record["score"],
                record["errors"][:2],
            )
        book = world.gradebook.get(student.id)
        if book is None or abs(sum(book.values()) - full) > 1e-6:
            wrong[f"{student.name}/{student.assignment} gradebook"] = book
        if student.id in world.checks:
            result = world.check_result(student)
            if result is None or result.get("score") != full:
                wrong[f"{student.name}/{student.assignment} check"] = result and result["score"]
    assert wrong == {}, "honest students lost points in a batch with hostile neighbours"


def test_bases_grade_as_expected(world: World) -> None:
    """The yardsticks: the right answers get full marks, the wrong ones leave points to steal."""
    for student in world.of_role("base"):
        record = world.record_result(student)
        assert record is not None, student.name
        if student.key == "correct":
            assert record["score"] == MAX_SCORE[student.assignment], (student.name, record["errors"])
        if student.key == "wrong":
            assert record["score"] <= MAX_SCORE[student.assignment] / 4, (student.name, record["score"])


def test_every_record_is_the_students_own(world: World) -> None:
    for student in world.students.values():
        record = world.records.get(student.id)
        if record is None:
            continue
        assert isinstance(record, dict), f"{student.name}: unreadable record"
        assert record.get("student") == student.name
        assert result_problems(record["result"], student.assignment, world.isolation) == [], student.name


def test_course_is_untouched(world: World) -> None:
    """Sources, releases, hidden tests, solutions and submissions as they were; only grading output new."""
    assert [c.describe() for c in world.course_changes] == []


def test_no_process_outlives_grading(world: World) -> None:
    assert [p.describe() for p in world.leftovers] == []


def test_no_marked_file_on_the_host(world: World) -> None:
    assert world.marked == []


def test_no_ipc_object_left_on_the_host(world: World) -> None:
    """SysV shared memory, queues and semaphores outlive processes: none may be left behind."""
    assert world.ipc == []


def test_no_socket_reached(world: World) -> None:
    assert [(c.listener, c.peer, c.data[:100]) for c in world.contacts] == []


def test_no_secret_reaches_students(world: World) -> None:
    """Canaries (hidden tests, solutions, the grader's environment) appear in no output a student sees."""
    token = world.canaries.token
    for sid, text in [*world.outputs.items(), *world.feedback.items()]:
        assert token not in text, f"{sid}: a canary reached the student's output or feedback"
        assert "pytestmark = pytest.mark.question" not in text, f"{sid}: hidden test source in feedback"
    for run in world.checks.values():
        assert token not in run.stdout, f"{run.args[1]}: a canary in check's output"


def test_figures(world: World, record_property: Any) -> None:
    """The figures SECURITY.md quotes: unfair points 0, traces 0, honest students at full marks."""
    fig = figures(world)
    record_property("security_figures", fig)
    print(f"\nsecurity figures: {fig}")
    assert fig.unfair_points == 0
    assert fig.traces == 0
    assert fig.honest_full


# --- the submission folder ----------------------------------------------------------------------


def _trick_world(request: pytest.FixtureRequest, name: str) -> World:
    return request.getfixturevalue(ALONE.get(name, "layout_world"))


@pytest.mark.parametrize("name", list(LAYOUT_TRICKS))
def test_submission_folder_tricks_earn_nothing(request: pytest.FixtureRequest, name: str) -> None:
    """A symlink to someone else's work or the solutions, a FIFO, a huge sparse file... score 0
    (or no more than the notebook really submitted)."""
    world = _trick_world(request, name)
    student = world.students[("lab6", name)]
    assert batch_gains(world, student) == {}, f"{name}: points from something that is not its own work"
    assert gradebook_gains(world, student) == {}, f"{name}: gradebook points from someone else's work"


@pytest.mark.parametrize("name", list(LAYOUT_TRICKS))
def test_submission_folder_tricks_are_reported_not_skipped(request: pytest.FixtureRequest, name: str) -> None:
    """A TA must learn about a submission that could not be graded: a record with a reason, score 0;
    and the batch it sits in goes on (the victim and the honest students are graded)."""
    world = _trick_world(request, name)
    student = world.students[("lab6", name)]
    record = world.record_result(student)
    assert record is not None, f"{name}: no record, the submission was skipped or the batch stopped"
    if student.bound is None:
        assert record["errors"], f"{name}: graded without a word about what is wrong"
    for honest in world.of_role("honest"):
        assert (world.record_result(honest) or {}).get("score") == 40.0, f"{name} disturbed {honest.name}"


# --- collusion through the warm sandbox ------------------------------------------------------------


def test_no_channel_between_submissions(fast_world: World) -> None:
    """The receiver, graded right after its accomplice by the same warm worker, finds nothing."""
    receiver = fast_world.students[("quiz6", "c2-receiver")]
    assert [r for r in fast_world.reports_of("receiv") if r.status == "BREACH"] == []
    assert batch_gains(fast_world, receiver) == {}
    assert check_problems(fast_world, receiver) == []
    assert check_gains(fast_world, receiver) == {}
