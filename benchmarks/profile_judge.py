"""One warm judge grading the same notebooks again and again: where the time goes, per stage.

    python benchmarks/profile_judge.py [NOTEBOOK ...] [--assignment lab6] [--rounds 10]
                                       [--profile FILE.prof] [--top 40]

A judge is started once (sandbox, hidden suite), graded once per notebook to warm up, then each
notebook is graded ``--rounds`` times. Printed: the median time per grade and per stage (see
``cnngrader.judge.stages``), and with ``--profile`` a cProfile of the rounds covering both the
caller's thread and the hidden-suite thread (the child's own time shows as waits on its socket,
in ``cells`` and ``probes``; profile the child with py-spy on the zygote's children).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _profiled(target: Callable[..., Any], profiler: cProfile.Profile) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        profiler.enable()
        try:
            return target(*args, **kwargs)
        finally:
            profiler.disable()

    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path, default=[ROOT / "solutions" / "lab6.ipynb"])
    ap.add_argument("--assignment", default="lab6")
    ap.add_argument("--course", type=Path, default=ROOT)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--profile", type=Path, help="write a cProfile of the rounds here")
    ap.add_argument("--top", type=int, default=40, help="functions shown from the profile")
    args = ap.parse_args()

    from cnngrader.course import Course
    from cnngrader.judge import session
    from cnngrader.judge.check import Judge

    started = time.perf_counter()
    judge = Judge(course=Course.open(args.course), assignments=(args.assignment,))
    judge.suite(args.assignment)
    print(f"judge ready in {time.perf_counter() - started:.2f} s ({judge.isolation})")
    for notebook in args.notebooks:
        result = judge.grade(path=notebook, assignment=args.assignment, seed=args.seed).result
        print(f"  {notebook.name}: {result.score:g}/{result.max_score:g}")

    # One profiler per thread (a profiler follows one call stack): the caller's, and the hidden
    # tests' own thread.
    profiler = cProfile.Profile() if args.profile else None
    suite_profiler = cProfile.Profile()
    if profiler is not None:
        session._run_items = _profiled(session._run_items, suite_profiler)  # type: ignore[assignment]
    walls: list[float] = []
    stages: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for notebook in args.notebooks:
            if profiler is not None:
                profiler.enable()
            start = time.perf_counter()
            graded = judge.grade(path=notebook, assignment=args.assignment, seed=args.seed)
            walls.append(time.perf_counter() - start)
            if profiler is not None:
                profiler.disable()
            for name, seconds in graded.timings.seconds.items():
                stages.setdefault(name, []).append(seconds)
    judge.close()

    n = len(walls)
    print(f"\n{n} grades: median {1000 * statistics.median(walls):.0f} ms, "
          f"min {1000 * min(walls):.0f} ms, max {1000 * max(walls):.0f} ms")
    for name, values in stages.items():
        values += [0.0] * (n - len(values))
        print(f"  {name:>8}: median {1000 * statistics.median(values):7.1f} ms, "
              f"mean {1000 * statistics.fmean(values):7.1f} ms")
    if profiler is not None:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.add(suite_profiler)
        stats.dump_stats(args.profile)
        stats.sort_stats("cumulative")
        stats.print_stats(args.top)
    print(f"(threads alive at the end: {threading.active_count()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
