"""``cnngrader otter ID --to DIR``: the course's assignment for Otter-Grader, built by ``otter assign``.

A staging folder holds what ``otter assign`` needs: the master notebook made from
``source/ID/ID.ipynb``, the course files its autograder ships (``nbgrader_config.py``,
``autograder/ID/``), a wheel of cnngrader and the image's requirements. The real ``otter
assign`` then writes Otter's layout into DIR and, as it always does, grades its own solutions
notebook with the autograder it just built: through the cnngrader plugin, so a build only
succeeds when the solutions score full marks in the confined engine. Last, the zip gets its
fixed name and cnngrader's entry point, and the student notebook is proven free of solution
and hidden-test lines.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from cnngrader.course.course import Course
from cnngrader.errors import CourseError
from cnngrader.otter import gradescope
from cnngrader.otter.course import CourseFiles, course_files, course_questions
from cnngrader.otter.grade import GradingSettings
from cnngrader.otter.leaks import prove_clean
from cnngrader.otter.master import master_notebook
from cnngrader.otter.wheel import build_wheel

ASSIGN_TIMEOUT = 900  # seconds; otter assign grades the solutions through the plugin
ZIP_NAME = "autograder.zip"
COURSE_DIR, DIST_DIR = "course", "dist"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


@dataclass(frozen=True)
class OtterBuild:
    """What ``cnngrader otter`` wrote."""

    assignment: str
    student_notebook: Path
    autograder_notebook: Path
    autograder_zip: Path
    secret_lines_checked: int

    def __str__(self) -> str:
        return (
            f"built {self.assignment} for Otter-Grader with otter assign:\n"
            f"  students get   {self.student_notebook}\n"
            f"  Gradescope     {self.autograder_zip}\n"
            f"  solutions      {self.autograder_notebook}\n"
            f"none of {self.secret_lines_checked} solution and hidden-test lines reached students"
        )


def build_otter_assignment(*, course: Course, assignment: str, to: Path) -> OtterBuild:
    """Write Otter Assign's layout for ``assignment`` into ``to``, replacing its student/ and autograder/."""
    course.assignment(assignment)  # an unknown id is a usage error, a broken course a course error
    files = course_files(course_root=course.folder, assignment=assignment)
    to = Path(to).resolve()
    with tempfile.TemporaryDirectory(prefix="cnngrader-otter-") as tmp:
        master = stage(files, Path(tmp))
        run_otter_assign(master, to)
    autograder_zip = finish_zip(to / "autograder")
    student = to / "student" / f"{assignment}.ipynb"
    checked = prove_clean(files.source_notebook, student)
    return OtterBuild(assignment, student, to / "autograder" / f"{assignment}.ipynb", autograder_zip, checked)


def stage(files: CourseFiles, folder: Path) -> Path:
    """Fill ``folder`` with the master notebook and what its autograder ships; the master's path."""
    wheel = build_wheel(folder / DIST_DIR)
    course = folder / COURSE_DIR
    shutil.copytree(files.hidden_tests, course / "autograder" / files.assignment, ignore=IGNORED)
    shutil.copy2(files.config, course / files.config.name)
    # The grader reads the questions and points from the notebook's grade cells: the released
    # notebook holds them, and neither a solution nor a hidden test.
    shipped = Course.open(course).source_dir(files.assignment) / files.released_notebook.name
    shipped.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(files.released_notebook, shipped)
    (folder / "requirements.txt").write_text("\n".join(gradescope.requirements(wheel.name)) + "\n")
    questions = course_questions(course_root=files.root, assignment=files.assignment)
    source = nbformat.read(files.source_notebook, as_version=4)
    config = assignment_config(files.assignment, wheel_name=wheel.name)
    master = folder / f"{files.assignment}.ipynb"
    nbformat.write(master_notebook(source, questions=questions, config=config), master)
    return master


def assignment_config(assignment: str, *, wheel_name: str) -> dict[str, Any]:
    """The master notebook's ``# ASSIGNMENT CONFIG``: Otter's settings for this course."""
    plugin = {gradescope.PLUGIN: GradingSettings(assignment=assignment, course=COURSE_DIR).to_config()}
    return {
        "requirements": "requirements.txt",
        "python_version": f"{sys.version_info.major}.{sys.version_info.minor}",
        "autograder_files": [COURSE_DIR, f"{DIST_DIR}/{wheel_name}"],
        "init_cell": True,
        "check_all_cell": False,
        "export_cell": {"pdf": False},
        "tests": {"files": False, "ok_format": False},
        # Hidden tests are all the tests: their results show once grades are published, and no
        # "Public Tests" summary claims that tests nobody ran have passed.
        "generate": {
            "pdf": False,
            "show_hidden": True,
            "force_public_test_summary": False,
            "show_stdout": False,
            "plugins": [plugin],
        },
        "run_tests": True,
    }


def run_otter_assign(master: Path, to: Path) -> None:
    """The real ``otter assign`` command line, without PDFs."""
    command = [sys.executable, "-m", "otter", "assign", "--no-pdfs", str(master), str(to)]
    try:
        done = subprocess.run(
            command, cwd=master.parent, capture_output=True, text=True, timeout=ASSIGN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise CourseError(f"otter assign did not finish within {ASSIGN_TIMEOUT} s") from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise CourseError(f"otter assign failed on {master.name}:\n{tail}")


def finish_zip(autograder_dir: Path) -> Path:
    """Otter 7 names the zip ``ID-autograder_<timestamp>.zip``; give it the fixed name and patch it."""
    made = sorted(autograder_dir.glob("*-autograder_*.zip"))
    if len(made) != 1:
        raise CourseError(
            f"expected one autograder zip from otter assign in {autograder_dir}, found {len(made)}"
        )
    target = autograder_dir / ZIP_NAME
    made[0].replace(target)
    gradescope.patch_zip(target)
    return target
