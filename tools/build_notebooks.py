"""Write the course notebooks: source/ from tools/nbsource, release/ with nbgrader, solutions/.

    python tools/build_notebooks.py            # all three (runs nbgrader generate_assignment)
    python tools/build_notebooks.py --check    # exit 1 if source/ or solutions/ are out of date

``solutions/<id>.ipynb`` is the released notebook with the reference answers typed into its
answer cells: a submission, with no hidden test and no solution marker in it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

TOOLS = Path(__file__).resolve().parent
COURSE_ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))  # so that ``nbsource`` imports when run as a script

from nbsource import lab6, quiz6  # noqa: E402

from cnngrader.course.fill import fill_answers  # noqa: E402
from cnngrader.course.release import release_assignment  # noqa: E402

BUILDERS: dict[str, Callable[[], NotebookNode]] = {"lab6": lab6.build, "quiz6": quiz6.build}


def source_path(root: Path, assignment: str) -> Path:
    return root / "source" / assignment / f"{assignment}.ipynb"


def release_path(root: Path, assignment: str) -> Path:
    return root / "release" / assignment / f"{assignment}.ipynb"


def solution_path(root: Path, assignment: str) -> Path:
    return root / "solutions" / f"{assignment}.ipynb"


def render(nb: NotebookNode) -> str:
    """The notebook as nbformat writes it, so that a rebuild of unchanged cells changes no byte."""
    return nbformat.writes(nb) + "\n"


def solved(root: Path, assignment: str) -> str:
    """The solution notebook made from the committed release and the source."""
    source = nbformat.read(source_path(root, assignment), as_version=4)
    release = nbformat.read(release_path(root, assignment), as_version=4)
    return render(fill_answers(release, source))


def write(path: Path, text: str) -> bool:
    """Write ``text`` if it differs from what is there; True if the file changed."""
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def stale(root: Path) -> list[Path]:
    """Files under source/ and solutions/ that a build would change."""
    out = []
    for assignment, build in BUILDERS.items():
        path = source_path(root, assignment)
        if not path.is_file() or path.read_text() != render(build()):
            out.append(path)
        path = solution_path(root, assignment)
        if not path.is_file() or path.read_text() != solved(root, assignment):
            out.append(path)
    return out


def build_all(root: Path) -> None:
    for assignment, build in BUILDERS.items():
        changed = write(source_path(root, assignment), render(build()))
        print(f"{source_path(root, assignment).relative_to(root)}: {'written' if changed else 'unchanged'}")
        print(release_assignment(course_root=root, assignment=assignment))
        changed = write(solution_path(root, assignment), solved(root, assignment))
        print(f"{solution_path(root, assignment).relative_to(root)}: {'written' if changed else 'unchanged'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report out-of-date files (exit 1 if any)")
    parser.add_argument("--root", type=Path, default=COURSE_ROOT, help="course folder (default: this repo)")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale(args.root)
        for path in out_of_date:
            print(f"out of date: {path}")
        return 1 if out_of_date else 0
    build_all(args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
