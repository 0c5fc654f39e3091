#!/usr/bin/env python3
"""Write the sample course from the released notebooks: about twenty synthetic students.

    python examples/make_sample_course.py            # rewrites examples/sample-course/
    python examples/make_sample_course.py --out DIR  # anywhere else (the tests compare the two)

Deterministic: the same release notebooks give the same bytes. Students and their answers are
in ``examples/students/roster.py``; the expected grades go to ``EXPECTED.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from students.sample_course import write_sample_course  # noqa: E402  (needs the path above)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--course-root", type=Path, default=HERE.parent, help="where release/ is (default: the repo)"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "sample-course", help="the sample course to (re)write"
    )
    args = parser.parse_args(argv)
    write_sample_course(course_root=args.course_root, out=args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
