"""``cnngrader``: a thin shell over the library. Each subcommand parses and calls one function."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cnngrader import __version__
from cnngrader.course.course import Course
from cnngrader.course.students import check_student
from cnngrader.errors import CnngraderError

LEVELS = ("rlimits", "seccomp", "bubblewrap")


def cmd_check(args: argparse.Namespace) -> int:
    from cnngrader.judge.memory import huge_pages_for_tensors
    from cnngrader.judge.prestart import prestarted_sandbox

    huge_pages_for_tensors()  # before torch is imported

    course = Course.open(args.course)
    course.assignment(args.assignment)  # a usage or course error before any process starts
    student = check_student(args.student) if args.student is not None else None
    with prestarted_sandbox(course=course, minimum_isolation=args.require_isolation) as sandbox:
        from cnngrader.judge.check import check_notebooks
        from cnngrader.report.text import render_result

        results = check_notebooks(
            paths=args.notebook, assignment=args.assignment, course=course,
            seed=args.seed, minimum_isolation=args.require_isolation, sandbox=sandbox, student=student,
        )  # fmt: skip
    if args.json:  # one notebook: its result; several: a list of them, in the order given
        data = results[0].to_dict() if len(results) == 1 else [r.to_dict() for r in results]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        print("\n\n".join(render_result(r, verbose=args.verbose) for r in results))
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from cnngrader.batch.grade import grade_assignment

    grade_assignment(
        course=Course.open(args.course), assignment=args.assignment, students=args.student or None,
        jobs=args.jobs, force=args.force, minimum_isolation=args.require_isolation, seed=args.seed,
    )  # fmt: skip
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from cnngrader.course.release import release_assignment

    report = release_assignment(course=Course.open(args.course), assignment=args.assignment)
    print(report)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from cnngrader.batch.export import export_grades

    written = export_grades(course=Course.open(args.course), assignment=args.assignment, to=args.to)
    print(f"wrote {written}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from cnngrader.analysis import write_report

    folder = write_report(course=Course.open(args.course), assignment=args.assignment, to=args.to)
    print(f"wrote {folder / 'index.html'} and {folder / 'items.csv'}")
    return 0


def cmd_otter(args: argparse.Namespace) -> int:
    from cnngrader.otter.assign import build_otter_assignment

    build = build_otter_assignment(course=Course.open(args.course), assignment=args.assignment, to=args.to)
    print(build)
    return 0


def cmd_variant(args: argparse.Namespace) -> int:
    from cnngrader.course.variants import variant_for
    from cnngrader.report.text import render_variant

    variant = variant_for(
        course=Course.open(args.course), assignment=args.assignment, student=check_student(args.student)
    )
    if args.json:
        sys.stdout.write(json.dumps(variant.to_dict(), indent=2) + "\n")
    else:
        print(render_variant(variant))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="cnngrader", description="Grade the CNN lab and quiz, confined.")
    top.add_argument("--version", action="version", version=f"cnngrader {__version__}")
    subs = top.add_subparsers(dest="command", required=True)

    check = _sub(subs, "check", cmd_check, "grade notebooks and print their results")
    check.add_argument("notebook", type=Path, nargs="+",
                       help="one notebook, or several graded in turn by one warm judge")  # fmt: skip
    check.add_argument("--assignment", required=True, help="the assignment id (a folder of source/)")
    check.add_argument("--json", action="store_true",
                       help="print exactly one JSON document (for several notebooks: a list)")  # fmt: skip
    check.add_argument("--seed", type=int, default=None, help="seed of the hidden inputs (default: fresh)")
    check.add_argument("--verbose", "-v", action="store_true", help="list passed tests too")
    check.add_argument("--student", default=None,
                       help="grade with this student's variant (default: the notebook's folder, "
                            "else the id it states, else the canonical variant)")  # fmt: skip

    grade = _sub(subs, "grade", cmd_grade, "grade every submission into the gradebook")
    grade.add_argument("assignment")
    grade.add_argument("--student", action="append", help="only this student (repeatable)")
    grade.add_argument("--jobs", type=int, default=None, help="warm workers (default: one per core)")
    grade.add_argument("--force", action="store_true", help="regrade even what has not changed")
    grade.add_argument("--seed", type=int, default=None,
                       help="seed of the hidden inputs of everything graded now (default: a fresh one per "
                            "new submission; a regrade keeps its own)")  # fmt: skip

    release = _sub(subs, "release", cmd_release, "build release/ID from source/ID and prove nothing leaked")
    release.add_argument("assignment")

    variant = _sub(subs, "variant", cmd_variant, "show one student's questions and answers (for TAs)")
    variant.add_argument("assignment")
    variant.add_argument("--student", required=True, help="the student's id, as in submitted/<student>/")
    variant.add_argument("--json", action="store_true", help="print exactly one JSON document")

    export = _sub(subs, "export", cmd_export, "write grades as CSV or Gradescope results.json")
    export.add_argument("assignment")
    export.add_argument("--to", type=Path, required=True, help="grades.csv, or a folder for results.json")

    report = _sub(subs, "report", cmd_report, "write the item analysis: index.html and items.csv")
    report.add_argument("assignment")
    report.add_argument("--to", type=Path, default=None, help="the folder to write (default: reports/ID/)")

    otter = _sub(subs, "otter", cmd_otter, "write Otter Assign's layout for Otter-Grader and Gradescope")
    otter.add_argument("assignment")
    otter.add_argument("--to", type=Path, required=True, help="folder for student/ and autograder/")
    return top


def _sub(
    subs: argparse._SubParsersAction,  # type: ignore[type-arg]  # argparse's own class is not generic at run time
    name: str,
    fn: Callable[[argparse.Namespace], int],
    help: str,
) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subs.add_parser(name, help=help, description=help)
    p.set_defaults(func=fn)
    p.add_argument("--course", type=Path, default=None,
                   help="the course folder (default: the one at or above the current folder)")  # fmt: skip
    if name in ("check", "grade"):
        p.add_argument("--require-isolation", choices=LEVELS, default=None,
                       help="refuse to grade below this isolation level")  # fmt: skip
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse's own usage errors exit 2 already
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except CnngraderError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "Interrupted: every finished grade is saved; run the same command again to finish.",
            file=sys.stderr,
        )
        return 130


def entry() -> None:
    """The console script. After ``check`` it skips the interpreter's teardown.

    With torch loaded, tearing the interpreter down takes about 0.7 s here, a fifth of a cold
    ``check``. By then the sandbox is closed, its folder removed and the result written, so
    only the output streams are left to flush.
    """
    argv = sys.argv[1:]
    code = main(argv)
    if argv[:1] == ["check"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
