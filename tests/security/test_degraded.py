"""The seccomp level (no bubblewrap): the attacks on secrets, files, sockets, processes and signals,
graded with bwrap out of reach and ``--require-isolation seccomp``.

SECURITY.md promises less here than with bubblewrap (the host's filesystem and IPC namespace are
shared, narrowed by Landlock and seccomp); these tests hold the level to what it does promise:
no unfair points, no breach reported from inside, nothing left behind, no socket reached.
"""

from __future__ import annotations

import pytest

from .attacks import BY_CODE, Attack
from .conftest import DEGRADED
from .verdicts import attack_student, batch_gains, check_gains, check_problems, traces
from .world import World

pytestmark = [pytest.mark.security, pytest.mark.slow]

ATTACKS = [BY_CODE[code] for code in DEGRADED]


def test_the_level_is_seccomp(seccomp_world: World) -> None:
    for run in seccomp_world.batches:
        assert run.returncode == 0, run.stderr[-1500:]
    levels = {
        (seccomp_world.record_result(s) or {}).get("isolation") for s in seccomp_world.students.values()
    }
    assert levels == {"seccomp"}


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.code)
def test_seccomp_level_earns_nothing(seccomp_world: World, attack: Attack) -> None:
    student = attack_student(seccomp_world, attack.code)
    assert check_problems(seccomp_world, student) == []
    assert check_gains(seccomp_world, student) == {}
    assert batch_gains(seccomp_world, student) == {}


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.code)
def test_seccomp_level_refuses_every_forbidden_move(seccomp_world: World, attack: Attack) -> None:
    breaches = [
        f"{r.what}: {r.detail}" for r in seccomp_world.reports_of(attack.code) if r.status == "BREACH"
    ]
    assert breaches == []


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.code)
def test_seccomp_level_leaves_nothing(seccomp_world: World, attack: Attack) -> None:
    assert traces(seccomp_world, attack.code) == []


def test_seccomp_level_host_untouched(seccomp_world: World) -> None:
    assert [c.describe() for c in seccomp_world.course_changes] == []
    assert [p.describe() for p in seccomp_world.leftovers] == []
    assert seccomp_world.marked == []
    assert seccomp_world.contacts == []


def test_seccomp_level_no_channel_between_submissions(seccomp_world: World) -> None:
    receiver = seccomp_world.students[("quiz6", "c2-receiver")]
    assert [r.what for r in seccomp_world.reports_of("receiv") if r.status == "BREACH"] == []
    assert batch_gains(seccomp_world, receiver) == {}
    assert seccomp_world.ipc == [], "SysV objects were left in the host's IPC namespace"
