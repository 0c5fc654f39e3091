"""``cnngrader grade`` against ``nbgrader autograde`` on the same kind of submissions, in one run.

    python benchmarks/bench_grade.py [--assignments lab6,quiz6] [--sizes 10,50,200,500] [--jobs N]
                                     [--nbgrader-n N] [--repeat R] [--no-nbgrader] [--json FILE]
                                     [--keep DIR]

Submissions are cycled from ``examples/sample-course`` (a mix of right, wrong, half-done, broken,
unreadable and hostile notebooks; or, for an assignment it lacks, the released notebook filled with
all, some or none of the solutions). For each assignment, each repeat and each size N, a throwaway
course (this repository's config, sources, release and hidden tests) gets N submissions and its
gradebook is initialised as a release would; then, in a fresh process, ``cnngrader grade`` (the
library call behind it) grades them, and an idle rerun follows. In the same repeat, ``nbgrader
autograde`` grades ``--nbgrader-n`` submissions of the same mix (by default each distinct notebook
once) on its own copy of the course. Repeats interleave the two graders, so the machine's other
work weighs on both; the tables show medians over the repeats.

Reported: wall time per submission and its ratio to nbgrader's; where a worker's time goes per
submission (the child's cells, probes to the child, rebuilding and confirming models, the hidden
tests' own work, the rest of the judge, and what lies outside the judge: the coordinator,
records, feedback, gradebook, process start); peak memory per worker: VmHWM of the judge, and of
its sandbox's processes summed (which counts the pages they share more than once), and the peak
Pss of each worker's process tree (shared pages split among the processes that map them: what a
worker costs the machine), sampled while it grades.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cnngrader.confine.trusted.procfs import children, descendants

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "sample-course" / "submitted"
COURSE_PARTS = ("nbgrader_config.py", "source", "release", "autograder")
STAGES = ("cells", "probes", "rebuild", "tests", "other")
NBGRADER = (sys.executable, "-m", "nbgrader")  # this interpreter's, whatever PATH says
# nbgrader itself runs alembic, and its kernels run python, from PATH: this interpreter's first.
ENV = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}

CHILD = """
import json, sys, time
from pathlib import Path
from cnngrader.batch.grade import grade_assignment
from cnngrader.course import Course
course, assignment, jobs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
report = grade_assignment(course=Course.open(course), assignment=assignment, jobs=jobs, echo=False)
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "graded": len(report.graded),
    "scores": {r.student: r.result.score for r in report.records},
    "judge_seconds": [r.seconds for r in report.records if r.student in set(report.graded)],
    "workers": [dict(w.__dict__) for w in report.workers if w.starts],
    "isolation": report.isolation,
    "errors": len(report.errors),
}, default=str))
"""


@dataclass(frozen=True)
class CnnRun:
    """One first ``cnngrader grade`` of N submissions, and its idle rerun."""

    size: int
    wall: float  # the whole first run, in a fresh process (imports, workers, gradebook)
    idle: float  # a rerun with nothing to grade, process start included
    jobs: int
    data: dict[str, Any]

    @property
    def per_sub(self) -> float:
        return self.wall / self.size

    def stage_ms(self) -> dict[str, float]:
        """Milliseconds per submission in each judge stage, and ``outside`` the judge."""
        graded = sum(w["graded"] for w in self.data["workers"]) or 1
        totals = {s: 0.0 for s in STAGES}
        for worker in self.data["workers"]:
            for stage, seconds in worker.get("stage_seconds", {}).items():
                totals[stage] = totals.get(stage, 0.0) + seconds
        out = {s: 1000 * t / graded for s, t in totals.items()}
        starts = sum(s for w in self.data["workers"] for s in w["start_seconds"])
        out["start"] = 1000 * starts / self.size  # workers importing torch, starting sandboxes
        busy = self.wall * self.jobs / self.size  # worker-seconds available per submission
        out["outside"] = max(0.0, 1000 * busy - sum(out.values()))
        return out

    def memory_mb(self) -> tuple[float, float]:
        workers = self.data["workers"]
        judge = max(w["peak_rss_kb"] for w in workers) / 1024
        sandbox = max(w["sandbox_peak_rss_kb"] for w in workers) / 1024
        return judge, sandbox


@dataclass(frozen=True)
class NbRun:
    """One ``nbgrader autograde`` of N submissions."""

    size: int
    wall: float
    scores: dict[str, float]

    @property
    def per_sub(self) -> float:
        return self.wall / self.size


def sample_notebooks(assignment: str) -> list[bytes]:
    """The notebooks to cycle through: the sample course's, else the release filled in three ways."""
    found = sorted(SAMPLES.glob(f"*/{assignment}/{assignment}.ipynb"))
    if found:
        return [p.read_bytes() for p in found]
    import nbformat

    from cnngrader.course.fill import answer_sources, fill_answers

    source = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(ROOT / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    ids = sorted(answer_sources(source))
    variants = [None, ids[: len(ids) // 2], []]  # all right, half answered, untouched
    return [nbformat.writes(fill_answers(release, source, only=v)).encode() for v in variants]


def make_course(where: Path, assignment: str, notebooks: list[bytes], n: int) -> Path:
    course = where
    course.mkdir(parents=True)
    for part in COURSE_PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, course / part)
    for i in range(n):
        folder = course / "submitted" / f"s{i:04d}" / assignment
        folder.mkdir(parents=True)
        (folder / f"{assignment}.ipynb").write_bytes(notebooks[i % len(notebooks)])
    release_into_gradebook(course, assignment)
    return course


def release_into_gradebook(course: Path, assignment: str) -> None:
    """What a course has before grading: the assignment in the gradebook (not timed)."""
    run = [*NBGRADER, "generate_assignment", assignment, "--force", "--log-level=ERROR"]
    subprocess.run(run, cwd=course, check=True, capture_output=True, env=ENV)


class PssSampler(threading.Thread):
    """Peak proportional set size (Pss) of each worker's process tree, sampled while it grades.

    VmHWM summed over a worker's processes counts twice what they share: the torch libraries
    mapped by the judge and by its zygote, and the zygote's pages that each child inherits until it
    writes them. Pss splits every shared page among the processes that map it, so the sum over a
    tree is what that tree costs the machine. The kernel keeps no peak of it: it is read every
    ``interval`` seconds, so a peak between two readings can be missed.
    """

    def __init__(self, root: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.worker_peak_kb = 0  # the largest worker tree (judge, zygote, child) at one reading
        self.all_peak_kb = 0  # everything cnngrader runs at one reading: coordinator and all workers
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            workers = [p for p in children(self.root) if b"cnngrader.batch.worker" in _cmdline(p)]
            trees = [sum(_pss_kb(q) for q in (w, *descendants(w))) for w in workers]
            self.worker_peak_kb = max([self.worker_peak_kb, *trees])
            self.all_peak_kb = max(self.all_peak_kb, _pss_kb(self.root) + sum(trees))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def time_cnngrader(course: Path, assignment: str, jobs: int) -> CnnRun:
    cmd = [sys.executable, "-c", CHILD, str(course), assignment, str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    sampler = PssSampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd, stdout, stderr)
    data = json.loads(stdout.strip().splitlines()[-1])
    data["pss_worker_peak_kb"], data["pss_all_peak_kb"] = sampler.worker_peak_kb, sampler.all_peak_kb
    start = time.perf_counter()
    idle = subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV)
    idle_wall = time.perf_counter() - start
    assert json.loads(idle.stdout.strip().splitlines()[-1])["graded"] == 0, "the idle rerun graded something"
    return CnnRun(len(data["scores"]), wall, idle_wall, jobs, data)


def time_nbgrader(course: Path, assignment: str) -> NbRun:
    cmd = [*NBGRADER, "autograde", assignment, "--log-level=ERROR"]
    start = time.perf_counter()
    subprocess.run(cmd, cwd=course, check=False, capture_output=True, env=ENV)  # some are hostile
    wall = time.perf_counter() - start
    sys.path.insert(0, str(ROOT / "src"))
    from cnngrader.batch.gradebook import read_grades
    from cnngrader.course import Course

    view = read_grades(Course.open(course), assignment)
    scores = {s.student: s.score for s in view.students if s.submitted}
    return NbRun(len(list((course / "submitted").iterdir())), wall, scores)


# --- the report ---------------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _spread(values: Sequence[float]) -> str:
    return f"{min(values):.3f}-{max(values):.3f}" if len(values) > 1 else ""


def speed_table(runs: dict[int, list[CnnRun]], nb: list[NbRun]) -> list[str]:
    nb_per = _median([r.per_sub for r in nb]) if nb else None
    head = f"{'N':>5} {'wall':>8} {'per sub':>8} {'(range)':>13} {'idle rerun':>10}"
    head += f" {'nbgrader/sub':>13} {'ratio':>7} {'(range)':>13}" if nb_per else ""
    lines = [head]
    for size, group in sorted(runs.items()):
        per = [r.per_sub for r in group]
        row = f"{size:>5} {_median([r.wall for r in group]):>7.2f}s {_median(per):>7.3f}s {_spread(per):>13}"
        row += f" {_median([r.idle for r in group]):>9.2f}s"
        if nb_per:
            # Each repeat's ratio pairs the two graders measured side by side in that repeat.
            ratios = [n.per_sub / c.per_sub for c, n in zip(group, nb, strict=False)]
            spread = f"{min(ratios):.0f}-{max(ratios):.0f}x" if len(ratios) > 1 else ""
            row += f" {nb_per:>12.3f}s {_median(ratios):>6.1f}x {spread:>13}"
        lines.append(row)
    return lines


def stage_table(runs: dict[int, list[CnnRun]]) -> list[str]:
    names = (*STAGES, "start", "outside")
    lines = [f"{'N':>5} " + " ".join(f"{n:>8}" for n in names) + f" {'median in worker':>17}"]
    for size, group in sorted(runs.items()):
        stages = [r.stage_ms() for r in group]
        cells = " ".join(f"{_median([s[n] for s in stages]):>8.1f}" for n in names)
        judge = _median([_median(sorted(r.data["judge_seconds"])) * 1000 for r in group])
        lines.append(f"{size:>5} {cells} {judge:>14.0f} ms")
    return lines


def memory_lines(runs: dict[int, list[CnnRun]]) -> list[str]:
    lines = []
    for size, group in sorted(runs.items()):
        judge = max(r.memory_mb()[0] for r in group)
        sandbox = max(r.memory_mb()[1] for r in group)
        ready = max(s for r in group for w in r.data["workers"] for s in w["start_seconds"])
        errors = max(r.data["errors"] for r in group)
        worker = max(r.data["pss_worker_peak_kb"] for r in group) / 1024
        together = max(r.data["pss_all_peak_kb"] for r in group) / 1024
        lines.append(
            f"  N={size:<4} judge {judge:.0f} MB + sandbox {sandbox:.0f} MB = {judge + sandbox:.0f} MB "
            f"per worker; ready in {ready:.1f} s; {errors} graded with errors"
        )
        lines.append(
            f"         Pss (shared pages split, sampled every 0.25 s): {worker:.0f} MB per worker at its "
            f"peak; {together:.0f} MB for all {group[0].jobs} workers and the coordinator together"
        )
    return lines


def agreement(runs: dict[int, list[CnnRun]], nb: list[NbRun]) -> list[str]:
    """Scores must not move between repeats; nbgrader's in-kernel tests agree on honest notebooks."""
    lines = []
    for size, group in sorted(runs.items()):
        moved = [s for s in group[0].data["scores"] if len({r.data["scores"][s] for r in group}) > 1]
        if moved:
            lines.append(f"  N={size}: scores differ between repeats for {len(moved)} submissions")
    if nb:
        cnn = runs[max(runs)][0].data["scores"]  # the largest run holds every folder nbgrader graded
        shared = sorted(set(nb[0].scores) & set(cnn))
        same = sum(1 for s in shared if abs(cnn[s] - nb[0].scores[s]) < 1e-6)
        lines.append(f"  scores equal to nbgrader's (in-kernel tests) on {same} of the {len(shared)} shared "
                     f"submissions (hostile and broken notebooks may differ, by design)")
    return lines


def report(assignment: str, runs: dict[int, list[CnnRun]], nb: list[NbRun], source: str) -> str:
    any_run = next(iter(runs.values()))[0]
    isolation = ", ".join(sorted({k for group in runs.values() for r in group for k in r.data["isolation"]}))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    repeats = len(next(iter(runs.values())))
    lines = [f"== {assignment}: submissions cycled from {source}; --jobs {any_run.jobs}; "
             f"isolation: {isolation}; {repeats} repeat(s), medians shown"]
    lines.append(f"machine: {os.cpu_count()} cores, load average now {load} (other work slows both graders)")
    if nb:
        lines.append(f"nbgrader autograde: {nb[0].size} submissions per repeat, "
                     f"{_median([r.wall for r in nb]):.1f} s ({_median([r.per_sub for r in nb]):.2f} s each)")
    lines += ["", *speed_table(runs, nb), ""]
    lines.append("where a worker's time goes, ms per submission (wall x jobs / N): the judge's stages,")
    lines.append("the workers' start (torch, sandbox, hidden tests), and outside (coordinator, records,")
    lines.append("feedback, gradebook, idle workers):")
    memory = "peak memory per worker (VmHWM of the judge + the sum of its sandbox's processes; then Pss):"
    lines += [*stage_table(runs), "", memory, *memory_lines(runs)]
    lines += agreement(runs, nb)
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------------


def bench_assignment(assignment: str, args: argparse.Namespace, where: Path) -> str:
    notebooks = sample_notebooks(assignment)
    found = any(SAMPLES.glob(f"*/{assignment}/{assignment}.ipynb"))
    source = f"{SAMPLES.relative_to(ROOT)} ({len(notebooks)} notebooks)" if found else "filled releases"
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    nb_n = args.nbgrader_n or len(notebooks)
    runs: dict[int, list[CnnRun]] = {n: [] for n in sizes}
    nb: list[NbRun] = []
    for repeat in range(args.repeat):
        for n in sizes:
            course = make_course(where / f"{assignment}-{repeat}-{n}", assignment, notebooks, n)
            runs[n].append(time_cnngrader(course, assignment, args.jobs))
            _note(f"{assignment} repeat {repeat + 1}: cnngrader N={n}: {runs[n][-1].wall:.1f} s")
            if args.keep is None:
                shutil.rmtree(course, ignore_errors=True)
        if not args.no_nbgrader:
            course = make_course(where / f"{assignment}-{repeat}-nbgrader", assignment, notebooks, nb_n)
            nb.append(time_nbgrader(course, assignment))
            _note(f"{assignment} repeat {repeat + 1}: nbgrader N={nb_n}: {nb[-1].wall:.1f} s")
    if args.json:
        raw = {"runs": {n: [asdict(r) for r in g] for n, g in runs.items()},
               "nbgrader": [asdict(r) for r in nb]}
        path = Path(str(args.json).replace("{assignment}", assignment))
        path.write_text(json.dumps(raw, indent=1, default=str))
    return report(assignment, runs, nb, source)


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assignments", default="lab6,quiz6", help="comma-separated; lab6 is the headline")
    ap.add_argument("--sizes", default="10,50,200,500", help="comma-separated numbers of submissions")
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--nbgrader-n", type=int, default=0,
                    help="submissions nbgrader grades per repeat (default: each distinct notebook once)")
    ap.add_argument("--repeat", type=int, default=1, help="repeats, interleaving both graders")
    ap.add_argument("--no-nbgrader", action="store_true")
    ap.add_argument("--json", help="write the raw measurements here ({assignment} is replaced)")
    ap.add_argument("--keep", type=Path, help="build the courses here and keep them")
    args = ap.parse_args()
    where = args.keep or Path(tempfile.mkdtemp(prefix="bench-grade-"))
    try:
        reports = [bench_assignment(a, args, where) for a in args.assignments.split(",")]
        print("\n\n".join(reports))
    finally:
        if args.keep is None:
            shutil.rmtree(where, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
