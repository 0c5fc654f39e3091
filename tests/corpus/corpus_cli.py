"""The real ``cnngrader check`` in subprocesses, a few at a time, and the notebooks it grades."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from students.corpus import Case
from students.notebooks import fill, read_release, write

SEED = 6  # fixed, so that a failure here reproduces with the same hidden inputs
TIMEOUT = 600.0  # seconds per notebook: far above the grader's own limits, to catch a hang


@dataclass(frozen=True)
class Checked:
    """One run of ``cnngrader check --json``: what it printed and, if it is one JSON object, that."""

    path: Path
    returncode: int | None  # None: killed after TIMEOUT
    stdout: str
    stderr: str
    seconds: float

    @property
    def result(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.stdout)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def describe(self) -> str:
        return (
            f"cnngrader check {self.path.name}: exit {self.returncode} after {self.seconds:.1f}s\n"
            f"--- stdout (first 3000 chars)\n{self.stdout[:3000]}\n"
            f"--- stderr (last 3000 chars)\n{self.stderr[-3000:]}"
        )


def command() -> list[str]:
    """The installed console script, else the same CLI through ``python -m``."""
    exe = shutil.which("cnngrader")
    return [exe] if exe else [sys.executable, "-m", "cnngrader"]


def check(path: Path, *, assignment: str, course_root: Path, timeout: float = TIMEOUT) -> Checked:
    """Grade one notebook with the real CLI; a hang is killed with its whole process group."""
    return check_batch([path], assignment=assignment, course_root=course_root, timeout=timeout)[path]


def check_batch(
    paths: list[Path], *, assignment: str, course_root: Path, timeout: float = TIMEOUT
) -> dict[Path, Checked]:
    """Grade notebooks of one assignment with one real ``cnngrader check P1 P2 ... --json`` (one warm
    judge, as a TA's batch); each gets its own Checked, holding its element of the printed list."""
    args = [*command(), "check", *map(str, paths), "--assignment", assignment, "--json",
            "--course", str(course_root), "--seed", str(SEED)]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout * len(paths))
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    seconds = (time.perf_counter() - start) / len(paths)
    if len(paths) == 1:
        return {paths[0]: Checked(paths[0], code, out, err, seconds)}
    try:
        documents = json.loads(out)
    except ValueError:
        documents = None
    if not isinstance(documents, list) or len(documents) != len(paths):  # every one of them failed
        return {p: Checked(p, code, out, err, seconds) for p in paths}
    return {p: Checked(p, code, json.dumps(d), err, seconds) for p, d in zip(paths, documents, strict=True)}


def check_many(jobs: Iterable[tuple[Path, str]], *, course_root: Path) -> dict[Path, Checked]:
    """Grade ``(path, assignment)`` pairs: per assignment, one batch per core, run side by side."""
    by_assignment: dict[str, list[Path]] = {}
    for path, assignment in jobs:
        by_assignment.setdefault(assignment, []).append(path)
    cores = os.cpu_count() or 1
    batches = [(a, paths[k::cores]) for a, paths in by_assignment.items() for k in range(cores)]
    batches = [(a, b) for a, b in batches if b]
    with ThreadPoolExecutor(max_workers=max(1, min(len(batches), cores))) as pool:
        done = pool.map(lambda job: check_batch(job[1], assignment=job[0], course_root=course_root), batches)
        return {path: checked for result in done for path, checked in result.items()}


def write_cases(cases: Iterable[Case], *, course_root: Path, folder: Path) -> dict[str, Path]:
    """Each case as ``folder/<name>.ipynb``, filled into the released notebook of its assignment."""
    releases: dict[str, Any] = {}
    paths = {}
    for case in cases:
        if case.assignment not in releases:
            releases[case.assignment] = read_release(course_root, case.assignment)
        path = folder / f"{case.name}.ipynb"
        write(fill(releases[case.assignment], case.sources), path)
        paths[case.name] = path
    return paths
