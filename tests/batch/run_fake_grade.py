"""``cnngrader grade`` with the fake judge, as a separate process the tests can kill.

Usage: python run_fake_grade.py COURSE [--jobs N] [--force] [--report-imports]
Exits 130 on Ctrl-C, like the CLI.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from cnngrader.batch.grade import grade_assignment
from cnngrader.course import Course


def main() -> int:
    # Ctrl-C as a terminal delivers it: a test run in the background (an asynchronous list of a
    # non-interactive shell, as `make test &` is) starts every process with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    p = argparse.ArgumentParser()
    p.add_argument("course", type=Path)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--force", action="store_true")
    p.add_argument("--report-imports", action="store_true")
    args = p.parse_args()
    try:
        grade_assignment(
            course=Course.open(args.course),
            assignment="quiz6",
            jobs=args.jobs,
            force=args.force,
            judge="fakejudge:FakeJudge",
        )
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        return 130
    if args.report_imports:
        heavy = sorted(m for m in ("torch", "nbgrader", "nbformat", "sqlalchemy", "tqdm") if m in sys.modules)
        print("IMPORTED:" + ",".join(heavy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
