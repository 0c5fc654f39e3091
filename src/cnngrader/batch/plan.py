"""Which submissions to grade: those whose content key changed since their record was written."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass

from cnngrader.batch.fingerprint import SuiteDigest, content_key, notebook_digest
from cnngrader.batch.state import Record, load_record
from cnngrader.course.course import Course
from cnngrader.course.submissions import Submission


class Reason(str, enum.Enum):
    """Why a submission is (re)graded."""

    NEW = "new"
    NOTEBOOK = "notebook changed"
    TESTS = "hidden tests changed"
    ENGINE = "grader changed"
    SEED = "another seed asked for"
    FORCED = "forced"


@dataclass(frozen=True)
class Planned:
    """A submission to grade, with its previous record (for what moved) and the seed to grade with."""

    submission: Submission
    seed: int
    reason: Reason
    previous: Record | None = None


@dataclass(frozen=True)
class Plan:
    todo: tuple[Planned, ...]
    current: tuple[Record, ...]  # up to date: not regraded


def make_plan(
    course: Course,
    assignment: str,
    submissions: list[Submission],
    *,
    suite: SuiteDigest,
    engine: str,
    force: bool,
    seed: int | None = None,
) -> Plan:
    """What to grade; with ``seed``, every submission is graded with it (a new seed is a change)."""
    todo: list[Planned] = []
    current: list[Record] = []
    for sub in submissions:
        previous = load_record(course.record_path(sub.student, assignment))
        # A regrade keeps its seed, so it draws the same hidden inputs: scores move only for a reason.
        chosen = seed if seed is not None else previous.seed if previous is not None else fresh_seed()
        sha = submission_digest(sub)
        key = content_key(notebook=sha, suite=suite.digest, engine=engine, seed=chosen)
        if previous is not None and previous.key == key and not force:
            current.append(previous)
            continue
        todo.append(Planned(sub, chosen, reason(previous, sha, suite, engine, chosen), previous))
    return Plan(tuple(todo), tuple(current))


def submission_digest(sub: Submission) -> str:
    """The notebook's digest; for a refused submission, of the reason (nothing is read through it)."""
    if sub.problem is not None:
        return hashlib.sha256(f"refused:{sub.problem}".encode()).hexdigest()
    return notebook_digest(sub.notebook)


def reason(
    previous: Record | None, notebook_sha: str, suite: SuiteDigest, engine: str, seed: int | None = None
) -> Reason:
    if previous is None:
        return Reason.NEW
    if previous.notebook_sha != notebook_sha:
        return Reason.NOTEBOOK
    if previous.suite_files != suite.files:
        return Reason.TESTS
    if previous.engine != engine:
        return Reason.ENGINE
    if seed is not None and previous.seed != seed:
        return Reason.SEED
    return Reason.FORCED


def fresh_seed() -> int:
    return secrets.randbelow(2**31)
