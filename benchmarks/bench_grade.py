"""``cnngrader grade`` against ``nbgrader autograde`` on the same kind of submissions, in one run.

    python benchmarks/bench_grade.py [--assignment quiz6] [--sizes 10,50,200,500] [--jobs N]
                                     [--nbgrader-n 10] [--no-nbgrader] [--keep DIR]

For each size N it builds a throwaway course (this repository's config, sources, release and
hidden tests; N submissions cycled from ``examples/sample-course``, a mix of right, wrong, broken
and hostile notebooks; or, without it, the released notebook filled with all, some or none of
the solutions), initialises the gradebook as a release would, and times, in a fresh process:
the first ``grade_assignment`` (the work of ``cnngrader grade``) and an idle rerun. nbgrader
runs once, on ``--nbgrader-n`` submissions; its cost at the other sizes is extrapolated
linearly and labelled so. Peak memory is each worker's VmHWM (and its sandbox's, summed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "sample-course" / "submitted"
COURSE_PARTS = ("nbgrader_config.py", "source", "release", "autograder")

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
    "workers": [w.__dict__ for w in report.workers if w.starts],
    "isolation": report.isolation,
    "errors": len(report.errors),
}))
"""


@dataclass(frozen=True)
class Run:
    size: int
    wall: float  # the whole first run, in a fresh process (imports, workers, gradebook)
    idle: float  # a rerun with nothing to grade, process start included
    data: dict[str, Any]


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
    course = where / f"course-{n}"
    course.mkdir(parents=True)
    for part in COURSE_PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, course / part)
    for i in range(n):
        folder = course / "submitted" / f"s{i:04d}" / assignment
        folder.mkdir(parents=True)
        (folder / f"{assignment}.ipynb").write_bytes(notebooks[i % len(notebooks)])
    return course


def release_into_gradebook(course: Path, assignment: str) -> None:
    """What a course has before grading: the assignment in the gradebook (not timed)."""
    run = ["nbgrader", "generate_assignment", assignment, "--force", "--log-level=ERROR"]
    subprocess.run(run, cwd=course, check=True, capture_output=True)


def time_cnngrader(course: Path, assignment: str, jobs: int) -> Run:
    cmd = [sys.executable, "-c", CHILD, str(course), assignment, str(jobs)]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    data = json.loads(out.stdout.strip().splitlines()[-1])
    start = time.perf_counter()
    idle = subprocess.run(cmd, check=True, capture_output=True, text=True)
    idle_wall = time.perf_counter() - start
    assert json.loads(idle.stdout.strip().splitlines()[-1])["graded"] == 0, "the idle rerun graded something"
    n = len(data["scores"])
    return Run(n, wall, idle_wall, data)


def time_nbgrader(course: Path, assignment: str) -> tuple[float, dict[str, float]]:
    cmd = ["nbgrader", "autograde", assignment, "--log-level=ERROR"]
    start = time.perf_counter()
    subprocess.run(cmd, cwd=course, check=False, capture_output=True)  # some notebooks are hostile
    wall = time.perf_counter() - start
    sys.path.insert(0, str(ROOT / "src"))
    from cnngrader.batch.gradebook import read_grades
    from cnngrader.course import Course

    view = read_grades(Course.open(course), assignment)
    return wall, {s.student: s.score for s in view.students if s.submitted}


def report(runs: list[Run], nb: tuple[int, float, dict[str, float]] | None, jobs: int, source: str) -> str:
    isolation = ", ".join(sorted({k for r in runs for k in r.data["isolation"]}))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"submissions cycled from {source}; --jobs {jobs}; isolation: {isolation}"]
    lines += [f"machine: {os.cpu_count()} cores, load average now {load} (other work slows both graders)", ""]
    per_nb = nb[1] / nb[0] if nb else None
    head = f"{'N':>5} {'cnngrader':>10} {'per sub':>9} {'marginal':>9} {'idle rerun':>11}"
    head += f" {'nbgrader':>10} {'per sub':>9} {'ratio':>7}" if per_nb else ""
    lines.append(head)
    previous: Run | None = None
    for r in runs:
        marginal = (r.wall - previous.wall) / (r.size - previous.size) if previous else None
        row = f"{r.size:>5} {r.wall:>9.2f}s {r.wall / r.size:>8.3f}s "
        row += f"{marginal:>8.3f}s" if marginal is not None else f"{'':>9}"
        row += f" {r.idle:>10.2f}s"
        if per_nb:
            measured = nb is not None and r.size == nb[0]
            label = "" if measured else "*"
            row += f" {per_nb * r.size:>9.1f}s{label:1} {per_nb:>8.3f}s {per_nb * r.size / r.wall:>6.1f}x"
        lines.append(row)
        previous = r
    if per_nb and nb:
        lines.append(
            f"  * extrapolated from nbgrader autograde measured on {nb[0]} submissions ({nb[1]:.1f} s)"
        )
    lines.append(
        "  per sub = wall / N; marginal = extra wall per extra submission between sizes (the steady rate)"
    )
    lines += ["", "peak memory per worker (VmHWM):"]
    for r in runs:
        workers = r.data["workers"]
        judge = max(w["peak_rss_kb"] for w in workers) / 1024
        sandbox = max(w["sandbox_peak_rss_kb"] for w in workers) / 1024
        ready = max(s for w in workers for s in w["start_seconds"])
        judge_times = sorted(r.data["judge_seconds"])
        median = judge_times[len(judge_times) // 2] if judge_times else 0.0
        lines.append(
            f"  N={r.size:<4} {len(workers)} workers: judge {judge:.0f} MB + sandbox {sandbox:.0f} MB; "
            f"ready in {ready:.1f} s; median {median * 1000:.0f} ms per notebook in a worker; "
            f"{r.data['errors']} with errors"
        )
    if nb:
        cnn = runs[0].data["scores"]
        same = sum(1 for s, v in nb[2].items() if abs(cnn.get(s, -1) - v) < 1e-6)
        lines.append(
            f"\nscores equal to nbgrader's (in-kernel tests) on the {len(nb[2])} shared submissions: {same}"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assignment", default="quiz6", help="quiz6 (small notebooks, the default) or lab6")
    ap.add_argument("--sizes", default="10,50,200,500", help="comma-separated numbers of submissions")
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--nbgrader-n", type=int, default=10, help="submissions nbgrader autograde is timed on")
    ap.add_argument("--no-nbgrader", action="store_true")
    ap.add_argument("--keep", type=Path, help="build the courses here and keep them")
    args = ap.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    notebooks = sample_notebooks(args.assignment)
    source = (
        f"{SAMPLES.relative_to(ROOT)} ({len(notebooks)} notebooks)" if SAMPLES.is_dir() else "filled releases"
    )

    where = args.keep or Path(tempfile.mkdtemp(prefix="bench-grade-"))
    try:
        runs = []
        for n in sizes:
            course = make_course(where, args.assignment, notebooks, n)
            release_into_gradebook(course, args.assignment)
            runs.append(time_cnngrader(course, args.assignment, args.jobs))
            print(f"cnngrader, N={n}: {runs[-1].wall:.1f} s", file=sys.stderr, flush=True)
        nb = None
        if not args.no_nbgrader:
            course = make_course(where / "nbgrader", args.assignment, notebooks, args.nbgrader_n)
            release_into_gradebook(course, args.assignment)
            wall, scores = time_nbgrader(course, args.assignment)
            print(f"nbgrader, N={args.nbgrader_n}: {wall:.1f} s", file=sys.stderr, flush=True)
            nb = (args.nbgrader_n, wall, scores)
        print(report(runs, nb, args.jobs, source))
    finally:
        if args.keep is None:
            shutil.rmtree(where, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
