"""One graded course full of hostile submissions, and everything observed while it was graded.

``build_world`` copies the course, plants canaries, starts the listeners, writes every submission
(attacks, their honest twins, the honest bases, honest students interleaved, and optionally the
submission-folder tricks, broken files and a colluding pair), grades them all with the real
``cnngrader grade`` and ``cnngrader check``, and records what happened.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import random
import shutil
import site
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

import cnngrader

from . import collusion
from .answers import MAX_SCORE, base_answers, correct_answers, release_nb
from .attacks import END, START, Attack, prelude
from .harness import (
    CLI_TIMEOUT,
    ISOLATION,
    MARK_PREFIX,
    REPO,
    Canaries,
    Change,
    CliRun,
    Contact,
    Listeners,
    Proc,
    SelfReport,
    check_args,
    cli_env,
    copy_course,
    end_leftovers,
    grade_args,
    leftover_processes,
    marked_files,
    marker,
    notebook_text_outputs,
    remove_sysv,
    run_cli,
    self_reports,
    sysv_objects,
    tree_diff,
    tree_snapshot,
    without_bwrap,
)

HOST_PIDNS = os.readlink("/proc/self/ns/pid")
VICTIM = "a00-zz-honest"  # the honest student every attack aims at (one exists per assignment)
CHECK_WORKERS = 2


@dataclass
class Student:
    name: str
    assignment: str
    role: str  # attack, twin, base, honest, layout, broken, collusion
    key: str  # the attack's code, the base's name, the broken file's kind...
    bound: str | None = None  # the student whose score bounds this one (the same work without the attack)
    check: str = ""  # when ``cnngrader check`` grades it too: "fast", "slow" (a later, slow phase) or never

    @property
    def id(self) -> tuple[str, str]:
        return (self.assignment, self.name)


@dataclass
class World:
    root: Path
    course: Path
    canaries: Canaries
    students: dict[tuple[str, str], Student] = field(default_factory=dict)
    batches: list[CliRun] = field(default_factory=list)
    checks: dict[tuple[str, str], CliRun] = field(default_factory=dict)
    records: dict[tuple[str, str], Any] = field(default_factory=dict)
    gradebook: dict[tuple[str, str], dict[str, float] | None] = field(default_factory=dict)
    outputs: dict[tuple[str, str], str] = field(default_factory=dict)
    feedback: dict[tuple[str, str], str] = field(default_factory=dict)
    reports: list[SelfReport] = field(default_factory=list)
    leftovers: list[Proc] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)
    course_changes: list[Change] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    ipc: list[tuple[str, int, int]] = field(default_factory=list)  # SysV objects left on the host
    seconds: dict[str, float] = field(default_factory=dict)
    gradebook_error: str = ""
    isolation: str = ISOLATION  # the level required of every run (a degraded world asks for less)

    def env(self) -> dict[str, str]:
        env = cli_env(self.canaries.env())
        return env if self.isolation == "bubblewrap" else without_bwrap(env)

    def of_role(self, *roles: str) -> list[Student]:
        return [s for s in self.students.values() if s.role in roles]

    def notebook(self, student: Student) -> Path:
        return self.course / "submitted" / student.name / student.assignment / f"{student.assignment}.ipynb"

    def check_result(self, student: Student) -> dict[str, Any] | None:
        run = self.checks.get(student.id)
        if run is None:
            return None
        docs = run.json_documents()
        return docs[0] if len(docs) == 1 and isinstance(docs[0], dict) else None

    def record_result(self, student: Student) -> dict[str, Any] | None:
        record = self.records.get(student.id)
        return record.get("result") if isinstance(record, dict) else None

    def reports_of(self, code: str) -> list[SelfReport]:
        return [r for r in self.reports if r.code == code]


# --- notebooks ------------------------------------------------------------------------------------


def new_code_cell(source: str) -> Any:
    return nbformat.v4.new_code_cell(source)


def build_notebook(
    assignment: str,
    answers: dict[str, str],
    *,
    attack: Attack | None = None,
    settings: dict[str, Any] | None = None,
    canary: str | None = None,
) -> Any:
    """The released notebook with ``answers`` typed in, plus ``attack`` (its cells get the prelude)."""
    nb = copy.deepcopy(release_nb(assignment))
    pre = prelude(settings or {}) if attack else ""
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        if attack is not None and grade_id in attack.cells:
            cell.source = pre + attack.cells[grade_id]
    if attack is not None:
        if START in attack.cells:
            nb.cells.insert(0, new_code_cell(pre + attack.cells[START]))
        for raw in attack.extra_cells:
            nb.cells.append(new_code_cell(substitute(raw, settings or {})))
        if END in attack.cells:
            nb.cells.append(new_code_cell(pre + attack.cells[END]))
        TAMPER[attack.tamper](nb)
    if canary:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"My notes ({canary}): keep them to myself."))
    return nb


def substitute(text: str, settings: dict[str, Any]) -> str:
    for key, value in settings.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _tamper_points(nb: Any) -> None:
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        if meta.get("grade"):
            meta["points"] = 1000
        if meta.get("solution"):
            meta.update(grade=True, points=100)
    bonus = new_code_cell("bonus = 1\n")
    bonus.metadata["nbgrader"] = {
        "grade": True, "grade_id": "bonus", "points": 60, "solution": False, "locked": True,
        "schema_version": 3, "task": False,
    }  # fmt: skip
    nb.cells.append(bonus)


def _tamper_kernel(nb: Any) -> None:
    nb.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    nb.metadata["language_info"] = {"name": "bash", "file_extension": ".sh"}


TAMPER: dict[str, Callable[[Any], None]] = {
    "": lambda nb: None,
    "points": _tamper_points,
    "kernel": _tamper_kernel,
}


def write_nb(path: Path, nb: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


# --- the world ------------------------------------------------------------------------------------


class Builder:
    def __init__(self, root: Path, listeners: Listeners) -> None:
        self.root = root
        self.course = copy_course(root / "course")
        self.canaries = Canaries()
        self.canaries.plant(self.course)
        self.listeners = listeners
        self.world = World(root, self.course, self.canaries)

    def settings(self, code: str, student: str, assignment: str) -> dict[str, Any]:
        return {
            "COURSE": str(self.course), "REPO": str(REPO), "HOME": os.path.expanduser("~"),
            "MARK": marker(code), "PAIR": marker("pair"), "STUDENT": student, "VICTIM": VICTIM,
            "ASSIGNMENT": assignment, "HOST_PIDNS": HOST_PIDNS, "SITE": site.getsitepackages()[0],
            "PKG": os.path.dirname(cnngrader.__file__), **self.listeners.settings(),
        }  # fmt: skip

    def add(self, student: Student, nb: Any | None) -> Student:
        self.world.students[student.id] = student
        if nb is not None:
            write_nb(self.world.notebook(student), nb)
        return student

    def add_attacks(self, attacks: Iterable[Attack]) -> None:
        by_assignment: dict[str, list[Attack]] = {}
        for attack in attacks:
            by_assignment.setdefault(attack.assignment, []).append(attack)
        for assignment, group in by_assignment.items():
            for base in sorted({a.base for a in group} | {"wrong", "correct"}):
                nb = build_notebook(assignment, base_answers(assignment, base), canary=self.canaries.token)
                self.add(Student(f"base-{base}", assignment, "base", base), nb)
            for i, attack in enumerate(group):
                name = f"a{i:02d}-{attack.code}"
                answers = base_answers(assignment, attack.base)
                bound = f"base-{attack.base}"
                if attack.has_twin:
                    twin = self.add(
                        Student(f"{name}-twin", assignment, "twin", attack.code),
                        build_notebook(assignment, answers | attack.honest, canary=self.canaries.token),
                    )
                    bound = twin.name
                nb = build_notebook(
                    assignment, answers, attack=attack, settings=self.settings(attack.code, name, assignment)
                )
                self.add(Student(name, assignment, "attack", attack.code, bound, check=attack.check), nb)
                if i % 2 == 0:  # honest neighbours, interleaved with the attackers in the batch order
                    honest = build_notebook(
                        assignment, correct_answers(assignment), canary=self.canaries.token
                    )
                    self.add(Student(f"a{i:02d}-zz-honest", assignment, "honest", "correct",
                                     check="fast" if i == 0 else ""), honest)  # fmt: skip

    def add_honest(self, assignment: str) -> None:
        """The yardsticks and the victim, for a world without attacks of this assignment."""
        for base in ("wrong", "correct"):
            if (assignment, f"base-{base}") not in self.world.students:
                nb = build_notebook(assignment, base_answers(assignment, base), canary=self.canaries.token)
                self.add(Student(f"base-{base}", assignment, "base", base), nb)
        for name in (VICTIM, "zz-honest"):
            if (assignment, name) not in self.world.students:
                nb = build_notebook(assignment, correct_answers(assignment), canary=self.canaries.token)
                self.add(Student(name, assignment, "honest", "correct"), nb)

    def add_layout(self, only: Iterable[str] | None = None) -> None:
        """Tricks in the submission folder itself (lab6): what ``cnngrader grade`` finds there."""
        self.add_honest("lab6")
        wanted = set(LAYOUT_TRICKS if only is None else only)
        for name, make in LAYOUT_TRICKS.items():
            if name in wanted:
                bound = make(self.course / "submitted", self)
                self.add(Student(name, "lab6", "layout", name, bound), None)

    def add_broken(self, kinds: dict[str, bytes], assignment: str = "lab6") -> None:
        for kind, data in kinds.items():
            student = self.add(Student(f"b-{kind}", assignment, "broken", kind, check="fast"), None)
            path = self.world.notebook(student)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def add_collusion(self) -> None:
        def pair_nb(base: str, code: str, source: str, name: str) -> Any:
            attack = Attack(code, code, "quiz6", base, {END: source}, "collusion")
            return build_notebook("quiz6", base_answers("quiz6", base), attack=attack,
                                  settings=self.settings(code, name, "quiz6"))  # fmt: skip

        self.add(Student("c1-accomplice", "quiz6", "collusion", "accomplice", "base-correct", check="fast"),
                 pair_nb("correct", "accomp", collusion.ACCOMPLICE, "c1-accomplice"))  # fmt: skip
        self.add(Student("c2-receiver", "quiz6", "collusion", "receiver", "base-wrong", check="fast"),
                 pair_nb("wrong", "receiv", collusion.RECEIVER, "c2-receiver"))  # fmt: skip
        self.add(Student("c3-zz-honest", "quiz6", "honest", "correct"),
                 build_notebook("quiz6", correct_answers("quiz6"), canary=self.canaries.token))  # fmt: skip


# --- tricks in the submission folder ---------------------------------------------------------------


def _folder(sub: Path, name: str) -> Path:
    path = sub / name / "lab6"
    path.mkdir(parents=True)
    return path


def _wrong_nb() -> Any:
    return build_notebook("lab6", base_answers("lab6", "wrong"))


def _symlink_to_victim_notebook(sub: Path, builder: Builder) -> None:
    (_folder(sub, "l-symnb") / "lab6.ipynb").symlink_to(Path("..") / ".." / VICTIM / "lab6" / "lab6.ipynb")


def _symlink_to_solutions(sub: Path, builder: Builder) -> None:
    (_folder(sub, "l-symsol") / "lab6.ipynb").symlink_to(builder.course / "solutions" / "lab6.ipynb")


def _symlink_to_source(sub: Path, builder: Builder) -> None:
    (_folder(sub, "l-symsrc") / "lab6.ipynb").symlink_to(builder.course / "source" / "lab6" / "lab6.ipynb")


def _symlinked_assignment_folder(sub: Path, builder: Builder) -> None:
    (sub / "l-symdir").mkdir()
    (sub / "l-symdir" / "lab6").symlink_to(Path("..") / VICTIM / "lab6")


def _symlinked_student_folder(sub: Path, builder: Builder) -> None:
    (sub / "l-symstud").symlink_to(VICTIM)


def _fifo(sub: Path, builder: Builder) -> None:
    os.mkfifo(_folder(sub, "l-fifo") / "lab6.ipynb")


def _sparse(sub: Path, builder: Builder) -> None:
    with open(_folder(sub, "l-sparse") / "lab6.ipynb", "wb") as f:
        f.truncate(200 * 1024**3)  # sparse: no disk used; reading it whole cannot succeed


def _notebook_is_a_folder(sub: Path, builder: Builder) -> None:
    (_folder(sub, "l-nbdir") / "lab6.ipynb").mkdir()


def _bad_timestamp(sub: Path, builder: Builder) -> str:
    folder = _folder(sub, "l-tstamp")
    write_nb(folder / "lab6.ipynb", _wrong_nb())
    (folder / "timestamp.txt").write_bytes(b"next tuesday \x00\xff" + b"9" * (1 << 20))
    return "base-wrong"


def _extra_files(sub: Path, builder: Builder) -> str:
    folder = _folder(sub, "l-extras")
    write_nb(folder / "lab6.ipynb", _wrong_nb())
    (folder / "cnngrader.json").write_text(
        json.dumps({"format": 1, "student": "l-extras", "result": {"score": 40}})
    )
    (folder / "conftest.py").write_text(
        "import pytest\n\n@pytest.fixture(autouse=True)\ndef cheat():\n    pass\n"
    )
    (folder / "autograder").mkdir()
    (folder / "autograder" / "test_cnn.py").write_text("def test_cnn():\n    assert True\n")
    (folder / "gradebook.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    return "base-wrong"


ODD_NAME = "l-o'; DROP TABLE grade;-- ü"


def _odd_name(sub: Path, builder: Builder) -> str:
    write_nb(_folder(sub, ODD_NAME) / "lab6.ipynb", _wrong_nb())
    return "base-wrong"


LAYOUT_TRICKS: dict[str, Callable[[Path, Builder], str | None]] = {
    "l-symnb": _symlink_to_victim_notebook,
    "l-symsol": _symlink_to_solutions,
    "l-symsrc": _symlink_to_source,
    "l-symdir": _symlinked_assignment_folder,
    "l-symstud": _symlinked_student_folder,
    "l-fifo": _fifo,
    "l-sparse": _sparse,
    "l-nbdir": _notebook_is_a_folder,
    "l-tstamp": _bad_timestamp,
    "l-extras": _extra_files,
    ODD_NAME: _odd_name,
}


_LISTENERS: Listeners | None = None


def shared_listeners() -> Listeners:
    """One set of listeners per session: every notebook carries their addresses in its prelude."""
    global _LISTENERS
    if _LISTENERS is None:
        _LISTENERS = Listeners(Path(tempfile.mkdtemp(prefix="cnngrader-security-sock-")))
    return _LISTENERS


def close_listeners() -> None:
    global _LISTENERS
    if _LISTENERS is not None:
        _LISTENERS.close()
        shutil.rmtree(Path(_LISTENERS.unix_path).parent, ignore_errors=True)
        _LISTENERS = None


def build_world(
    root: Path,
    *,
    attacks: Iterable[Attack],
    layout: bool | Iterable[str] = False,
    broken: dict[str, bytes] | None = None,
    collusion_pair: bool = False,
    checks: Iterable[str] = ("fast",),
    batch_timeout: float | None = None,
    isolation: str = ISOLATION,
    concurrent: bool = False,
) -> World:
    """Write the submissions, grade them in batches, and ``check`` those whose kind is in ``checks``."""
    started = time.monotonic()
    builder = Builder(root, shared_listeners())
    builder.add_attacks(attacks)
    if layout:
        builder.add_layout(None if layout is True else layout)
    if broken:
        builder.add_broken(broken)
    if collusion_pair:
        builder.add_collusion()
    world = builder.world
    world.isolation = isolation
    kinds = set(checks)

    def batches() -> None:
        t0 = time.monotonic()
        run_batches(world, collusion_pair=collusion_pair, timeout=batch_timeout or CLI_TIMEOUT)
        world.seconds["batch"] = time.monotonic() - t0

    def checks_() -> None:
        run_checks(world, [s for s in world.students.values() if s.check in kinds])

    def grade() -> None:
        if not concurrent:
            batches()
            checks_()
            return
        # Submissions that only wait for their timeouts: the batch and the check runs side by side.
        with ThreadPoolExecutor(2) as pool:
            for future in [pool.submit(batches), pool.submit(checks_)]:
                future.result()

    observe(world, grade)
    collect(world)
    world.seconds["total"] = time.monotonic() - started
    return world


def check_phase(world: World, kinds: Iterable[str]) -> World:
    """``check`` on more of a graded world's submissions, observed on its own (a later phase)."""
    started = time.monotonic()
    phase = dataclasses.replace(
        world,
        batches=[],
        checks={},
        leftovers=[],
        marked=[],
        course_changes=[],
        contacts=[],
        ipc=[],
        seconds={},
    )
    wanted = set(kinds)
    observe(phase, lambda: run_checks(phase, [s for s in phase.students.values() if s.check in wanted]))
    phase.seconds["total"] = time.monotonic() - started
    return phase


def observe(world: World, action: Callable[[], None]) -> None:
    """Run ``action`` and record what it left: files, processes, socket contacts, course changes."""
    listeners = shared_listeners()
    before = tree_snapshot(world.course)
    ipc_before = sysv_objects()
    since = time.time() - 1
    seen = len(listeners.contacts)
    try:
        action()
    finally:
        time.sleep(1.0)  # let anything that was about to outlive its run show itself
        world.leftovers += leftover_processes()
        end_leftovers(world.leftovers)
        world.marked += marked_files(since, skip=[world.root, Path(listeners.unix_path).parent])
        after = tree_snapshot(world.course)
        world.course_changes += [c for c in tree_diff(before, after) if not allowed_change(c, world)]
        world.contacts += listeners.contacts[seen:]
        left = sorted(sysv_objects() - ipc_before)
        world.ipc += left
        remove_sysv(left)


def run_batches(world: World, *, collusion_pair: bool, timeout: float) -> None:
    env = world.env()
    for assignment in sorted({s.assignment for s in world.students.values()}):
        args = grade_args(assignment, world.course, isolation=world.isolation)
        world.batches.append(run_cli(args, env=env, cwd=world.root, timeout=timeout))
    if collusion_pair:
        # The accomplice and the receiver again, one after the other on a single warm worker.
        pair = ["--student", "c1-accomplice", "--student", "c2-receiver", "--student", "c3-zz-honest"]
        args = ["grade", "quiz6", "--course", str(world.course), "--jobs", "1", "--force", *pair,
                "--require-isolation", world.isolation]  # fmt: skip
        world.batches.append(run_cli(args, env=env, cwd=world.root, timeout=timeout))


def run_checks(world: World, students: list[Student]) -> None:
    env = world.env()
    t0 = time.monotonic()
    todo = list(students)
    random.Random(0).shuffle(todo)  # the slow ones spread over both workers

    def one(student: Student) -> tuple[tuple[str, str], CliRun]:
        args = check_args(world.notebook(student), student.assignment, world.course, world.isolation)
        return student.id, run_cli(args, env=env, cwd=world.root)

    with ThreadPoolExecutor(CHECK_WORKERS) as pool:
        world.checks.update(pool.map(one, todo))
    world.seconds["check"] = world.seconds.get("check", 0.0) + time.monotonic() - t0


def allowed_change(change: Change, world: World) -> bool:
    """What grading legitimately writes in a course: records, autograded notebooks, feedback, gradebook."""
    parts = Path(change.path).parts
    if MARK_PREFIX in change.path or change.what == "removed":
        return False
    if parts[0] in (".cnngrader",) or parts[0].startswith("gradebook.db"):
        return True
    if parts[0] in ("autograded", "feedback") and change.what == "added":
        if len(parts) == 1:
            return True
        known = {s.name for s in world.students.values()}
        if parts[1] not in known:
            return False
        if len(parts) <= 3:
            return len(parts) < 3 or parts[2] in {s.assignment for s in world.students.values()}
        return len(parts) == 4 and parts[3] in (
            f"{parts[2]}.ipynb",
            "cnngrader.json",
            f"{parts[2]}.html",
            "timestamp.txt",
        )
    return False


def collect(world: World) -> None:
    for student in world.students.values():
        folder = world.course / "autograded" / student.name / student.assignment
        record_path = record_file(world.course, student)
        if record_path.is_file() and not record_path.is_symlink():
            try:
                world.records[student.id] = json.loads(record_path.read_bytes())
            except ValueError:
                world.records[student.id] = "unreadable"
        text = notebook_text_outputs(folder / f"{student.assignment}.ipynb")
        world.outputs[student.id] = text
        world.reports.extend(self_reports(text))
        html = world.course / "feedback" / student.name / student.assignment / f"{student.assignment}.html"
        if html.is_file():
            world.feedback[student.id] = html.read_text(errors="replace")
    read_gradebook(world)


def record_file(course: Path, student: Student) -> Path:
    """Where ``cnngrader grade`` keeps a submission's record (the TA-only source of truth)."""
    try:
        from cnngrader.course import Course

        return Course.open(course).record_path(student.name, student.assignment)
    except Exception:
        return course / "autograded" / student.name / student.assignment / "cnngrader.json"


def read_gradebook(world: World) -> None:
    path = world.course / "gradebook.db"
    if not path.is_file():
        world.gradebook_error = "no gradebook.db"
        return
    try:
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{path}") as gb:
            for student in world.students.values():
                try:
                    sub = gb.find_submission(student.assignment, student.name)
                except MissingEntry:
                    world.gradebook[student.id] = None
                    continue
                scores: dict[str, float] = {}
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        scores[grade.name] = float(grade.score)
                world.gradebook[student.id] = scores
    except Exception as exc:
        world.gradebook_error = f"{type(exc).__name__}: {exc}"


def per_question(result: dict[str, Any] | None) -> dict[str, float]:
    if not isinstance(result, dict):
        return {}
    return {q["id"]: float(q["score"]) for q in result.get("questions", []) if isinstance(q, dict)}


def full_marks(assignment: str) -> float:
    return MAX_SCORE[assignment]
