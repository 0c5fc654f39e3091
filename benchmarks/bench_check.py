"""Cold-start cost of ``cnngrader check`` on one notebook, beside ``nbgrader autograde`` of the same.

    python benchmarks/bench_check.py [--runs 5] [--notebook solutions/lab6.ipynb] [--no-nbgrader]

Each ``cnngrader check`` run is a new process (a cold start: torch imported, sandbox started,
hidden tests collected). nbgrader's figure is one ``nbgrader autograde`` of the same notebook
in a throwaway copy of the course, kernel start included.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def time_check(notebook: Path, assignment: str) -> tuple[float, dict]:
    start = time.perf_counter()
    out = subprocess.run(
        ["cnngrader", "check", str(notebook), "--assignment", assignment, "--json", "--course", str(ROOT)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - start, json.loads(out.stdout)


def time_nbgrader(notebook: Path, assignment: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        for name in ("nbgrader_config.py", "source", "release", "autograder"):
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy)(src, course / name)
        target = course / "submitted" / "bench" / assignment
        target.mkdir(parents=True)
        shutil.copy(notebook, target / f"{assignment}.ipynb")
        run = ["nbgrader", "generate_assignment", assignment, "--force", "--log-level=ERROR"]
        subprocess.run(run, cwd=course, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(["nbgrader", "autograde", assignment, "--log-level=ERROR"], cwd=course, check=True,
                       capture_output=True)  # fmt: skip
        return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--notebook", type=Path, default=ROOT / "solutions" / "lab6.ipynb")
    ap.add_argument("--assignment", default="lab6")
    ap.add_argument("--no-nbgrader", action="store_true")
    args = ap.parse_args()

    times, result = [], {}
    for _ in range(args.runs):
        seconds, result = time_check(args.notebook, args.assignment)
        times.append(seconds)
    shown = args.notebook.relative_to(ROOT) if args.notebook.is_relative_to(ROOT) else args.notebook
    print(f"notebook: {shown}")
    print(f"score {result['score']:g}/{result['max_score']:g}, isolation {result['isolation']}")
    print(f"{'':28}{'median':>9}{'min':>9}{'max':>9}")
    print(
        f"{'cnngrader check (cold)':28}{statistics.median(times):9.2f}{min(times):9.2f}{max(times):9.2f}  s"
    )
    if not args.no_nbgrader:
        nb = time_nbgrader(args.notebook, args.assignment)
        print(f"{'nbgrader autograde (1 nb)':28}{nb:9.2f}{'':18}  s")
        print(f"ratio nbgrader / cnngrader: {nb / statistics.median(times):.1f}x")
    sys.exit(0)


if __name__ == "__main__":
    main()
