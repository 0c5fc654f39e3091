"""Every hostile notebook, graded with the real CLI: it earns nothing its honest twin does not, it
says (from inside) that every forbidden move failed, and nothing of it is left on the host.

The grading happens once per session in the ``fast_world``/``slow_world`` fixtures (conftest);
these tests read what was recorded. Attacks that can only end in a timeout run in the slow world.
"""

from __future__ import annotations

from typing import Any

import pytest

from .attacks import ATTACKS, Attack
from .verdicts import (
    attack_student,
    batch_gains,
    bound_of,
    check_gains,
    check_problems,
    gradebook_gains,
    traces,
)
from .world import World, per_question

pytestmark = pytest.mark.security


def _params(attacks: tuple[Attack, ...] | list[Attack], *, checked: bool = False) -> list[Any]:
    def slow(a: Attack) -> bool:
        return a.slow or (checked and a.check == "slow")

    return [pytest.param(a, id=a.code, marks=[pytest.mark.slow] if slow(a) else []) for a in attacks]


def _world(request: pytest.FixtureRequest, attack: Attack) -> World:
    return request.getfixturevalue("slow_world" if attack.slow else "fast_world")


def _check_world(request: pytest.FixtureRequest, attack: Attack) -> World:
    if attack.slow:
        return request.getfixturevalue("slow_world")
    return request.getfixturevalue("fast_world" if attack.check == "fast" else "fast_world_checks")


@pytest.mark.parametrize("attack", _params([a for a in ATTACKS if a.check], checked=True))
def test_check_keeps_its_contract_and_earns_nothing(request: pytest.FixtureRequest, attack: Attack) -> None:
    """``cnngrader check --json``: exit 0, one JSON document, bubblewrap, no more than the honest twin."""
    world = _check_world(request, attack)
    student = attack_student(world, attack.code)
    assert check_problems(world, student) == [], attack.name
    assert check_gains(world, student) == {}, (
        f"{attack.name}: scored more than the same notebook without the attack (found, honest)"
    )


@pytest.mark.parametrize("attack", _params(ATTACKS))
def test_batch_earns_nothing(request: pytest.FixtureRequest, attack: Attack) -> None:
    """``cnngrader grade``: its record and its gradebook entry are no better than the honest twin's."""
    world = _world(request, attack)
    student = attack_student(world, attack.code)
    assert world.record_result(student) is not None, f"{attack.code} has no record: the batch lost it"
    assert batch_gains(world, student) == {}, f"{attack.name}: record beats the honest twin (found, honest)"
    assert world.gradebook.get(student.id) is not None, f"{attack.code} is not in the gradebook"
    assert gradebook_gains(world, student) == {}, f"{attack.name}: gradebook beats the honest twin"
    record = per_question(world.record_result(student))
    book = world.gradebook[student.id] or {}
    assert {q: book.get(q) for q in record} == record, "the gradebook and the record disagree"


@pytest.mark.parametrize("attack", _params(ATTACKS))
def test_every_forbidden_move_failed_inside(request: pytest.FixtureRequest, attack: Attack) -> None:
    """The attack's own account, kept in the autograded notebook: no attempt that must fail succeeded."""
    world = _world(request, attack)
    breaches = [f"{r.what}: {r.detail}" for r in world.reports_of(attack.code) if r.status == "BREACH"]
    assert breaches == [], f"{attack.name}: the sandbox let these through"


@pytest.mark.parametrize("attack", _params(ATTACKS))
def test_leaves_nothing_behind(request: pytest.FixtureRequest, attack: Attack) -> None:
    """No file, process or socket contact carries the attack's marker after grading."""
    world = _world(request, attack)
    assert traces(world, attack.code) == [], f"{attack.name} left traces"


@pytest.mark.slow
@pytest.mark.parametrize(
    "attack", [a for a in ATTACKS if a.check == "slow" and not a.slow], ids=lambda a: a.code
)
def test_leaves_nothing_behind_check(fast_world_checks: World, attack: Attack) -> None:
    """The same, for the ``check`` runs of the later phase."""
    assert traces(fast_world_checks, attack.code) == [], f"{attack.name} left traces (check)"


def test_the_forbidden_moves_were_really_tried(fast_world: World) -> None:
    """The self-reports are there to be read (the prelude ran, outputs were kept), and many held."""
    codes = {r.code for r in fast_world.reports if r.status == "HELD"}
    for expected in ("net", "netc", "ctypes", "write", "readpath", "spawn", "cfork", "forks"):
        assert expected in codes, f"no HELD line from {expected}: its attempts were not observed"


def test_shell_escapes_stay_text(fast_world: World) -> None:
    """``!cmd``, ``%system``, ``%%bash``... never run; the check cell after them says so."""
    student = attack_student(fast_world, "ipython")
    assert any(r.what == "shell escapes" for r in fast_world.reports_of("ipython")), (
        "the cell that looks for the escapes' files did not report"
    )
    assert bound_of(fast_world, student) is not None


def test_metadata_cannot_raise_the_points(fast_world: World) -> None:
    student = attack_student(fast_world, "metapts")
    for result in (fast_world.check_result(student), fast_world.record_result(student)):
        if result is None and student.id not in fast_world.checks:
            continue  # its check run belongs to the slow phase
        assert result is not None
        assert result["max_score"] == 40.0
        assert set(per_question(result)) == {
            "conv_output_size", "conv2d_single", "max_pool2d_single", "param_counts", "cnn",
            "fcnn_vs_convnet", "linear_in_features", "budget_cnn",
        }  # fmt: skip


def test_feedback_escapes_what_the_student_wrote(fast_world: World) -> None:
    """Error messages, prints and layer names reach feedback HTML as text, never as markup."""
    student = attack_student(fast_world, "html")
    html = fast_world.feedback.get(student.id)
    assert html, "no feedback page for the html attack"
    assert "<script>alert(" not in html, "student text reached the feedback page as a script"
    assert "<img src=x" not in html


def test_terminal_output_carries_no_student_escapes(fast_world: World) -> None:
    for run in [*fast_world.batches, *fast_world.checks.values()]:  # (the check runs of the fast phase)
        assert "\x1b]0;" not in run.stdout + run.stderr, f"{run.args[:2]}: a student's terminal escape"
