"""What the tests conclude from a world: unfair gains, traces left, and the figures of SECURITY.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .answers import MAX_SCORE
from .harness import ISOLATION, MARK_PREFIX, marker
from .world import Student, World, per_question

TOLERANCE = 1e-6


def attack_student(world: World, code: str) -> Student:
    found = [s for s in world.students.values() if s.role == "attack" and s.key == code]
    assert len(found) == 1, f"attack {code} is not in this world"
    return found[0]


def bound_of(world: World, student: Student) -> Student | None:
    return world.students.get((student.assignment, student.bound)) if student.bound else None


def gains(found: dict[str, float], bound: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Questions where ``found`` scored more than ``bound`` (a missing bound counts as 0)."""
    return {q: (s, bound.get(q, 0.0)) for q, s in found.items() if s > bound.get(q, 0.0) + TOLERANCE}


def check_problems(world: World, student: Student) -> list[str]:
    """Why the ``check --json`` run of ``student`` breaks the contract (an empty list: it keeps it)."""
    run = world.checks.get(student.id)
    if run is None:
        return ["no check run"]
    problems = []
    if run.timed_out:
        problems.append(f"check did not finish in {run.seconds:.0f} s")
    if run.returncode != 0:
        problems.append(f"check exited {run.returncode}: {run.stderr[-800:]}")
    docs = run.json_documents()
    if len(docs) != 1 or not isinstance(docs[0], dict):
        problems.append(
            f"check printed {len(docs)} documents, expected exactly one JSON object: {docs[:3]!r}"
        )
        return problems
    problems += result_problems(docs[0], student.assignment, world.isolation)
    if f'"marker": "{MARK_PREFIX}' in run.stdout or MARK_PREFIX in run.stderr:
        problems.append("a result forged by the submission reached the output of check")
    if "Traceback" in run.stderr or "Traceback" in run.stdout:
        problems.append(f"a traceback on the terminal: {run.stderr[-800:]}")
    return problems


def result_problems(result: dict[str, Any], assignment: str, isolation: str = ISOLATION) -> list[str]:
    problems = []
    if result.get("isolation") != isolation:
        problems.append(f"isolation {result.get('isolation')!r}, expected {isolation!r}")
    if result.get("assignment") != assignment:
        problems.append(f"assignment {result.get('assignment')!r}")
    scores = per_question(result)
    if len(scores) != len(result.get("questions", [])):
        problems.append("malformed questions")
    expected = 8 if assignment == "lab6" else 10
    if len(scores) != expected:
        problems.append(f"{len(scores)} questions, expected {expected}")
    total = result.get("score")
    if not isinstance(total, (int, float)) or not 0 <= total <= MAX_SCORE[assignment] + TOLERANCE:
        problems.append(f"score {total!r} outside 0..{MAX_SCORE[assignment]}")
    elif abs(total - sum(scores.values())) > 1e-4:
        problems.append(f"score {total} is not the sum of its questions {sum(scores.values())}")
    if result.get("max_score") != MAX_SCORE[assignment]:
        problems.append(f"max_score {result.get('max_score')!r}")
    return problems


def check_gains(world: World, student: Student) -> dict[str, tuple[float, float]]:
    """Against the twin's own check run where there is one, else its batch record (its work is honest,
    and right or robustly wrong, so the grading seed does not move its score)."""
    bound = bound_of(world, student)
    found = per_question(world.check_result(student))
    if bound is None:
        return gains(found, {})
    return gains(found, per_question(world.check_result(bound) or world.record_result(bound)))


def batch_gains(world: World, student: Student) -> dict[str, tuple[float, float]]:
    bound = bound_of(world, student)
    found = per_question(world.record_result(student))
    return gains(found, per_question(world.record_result(bound)) if bound else {})


def gradebook_gains(world: World, student: Student) -> dict[str, tuple[float, float]]:
    bound = bound_of(world, student)
    found = world.gradebook.get(student.id) or {}
    return gains(found, (world.gradebook.get(bound.id) or {}) if bound else {})


def traces(world: World, code: str) -> list[str]:
    """Files, processes and socket contacts that carry this attack's marker."""
    mark = marker(code)
    found = [f"file {p}" for p in world.marked if mark in p or _file_mentions(p, mark)]
    found += [f"process {p.describe()}" for p in world.leftovers
              if mark in p.cmdline or mark in p.environ or p.comm == mark[:15]]  # fmt: skip
    found += [
        f"{c.listener} contact from {c.peer}: {c.data[:80]!r}"
        for c in world.contacts
        if mark.encode() in c.data
    ]
    found += [f"course {c.describe()}" for c in world.course_changes if mark in c.path]
    return found


def _file_mentions(path: str, mark: str) -> bool:
    try:
        with open(path, "rb") as f:
            return mark.encode() in f.read(1 << 20)
    except OSError:
        return False


@dataclass(frozen=True)
class Figures:
    attacks: int
    attempts: int
    breaches: int
    unfair_points: float
    traces: int
    honest_full: bool


def figures(world: World) -> Figures:
    """Per world; a later ``check`` phase (no batches of its own) counts its check runs only."""
    phase = not world.batches
    attackers = [s for s in world.students.values() if s.role in ("attack", "layout", "collusion")]
    if phase:
        attackers = [s for s in attackers if s.id in world.checks]
    unfair = 0.0
    for s in attackers:
        tables = [check_gains(world, s)] if s.id in world.checks else []
        if not phase:
            tables.append(batch_gains(world, s))
        unfair += sum(found - bound for table in tables for found, bound in table.values())
    honest = [s for s in world.students.values() if s.role == "honest"]
    full = all((world.record_result(s) or {}).get("score") == MAX_SCORE[s.assignment] for s in honest)
    reports = [] if phase else world.reports
    return Figures(
        attacks=len(attackers),
        attempts=sum(1 for r in reports if r.status in ("HELD", "BREACH")),
        breaches=sum(1 for r in reports if r.status == "BREACH"),
        unfair_points=round(unfair, 3),
        traces=len(world.marked)
        + len(world.leftovers)
        + len(world.contacts)
        + len(world.course_changes)
        + len(world.ipc),
        honest_full=full,
    )
