"""Grading inside the student's own kernel: the hidden part of each autograded cell calls this.

nbgrader scores a test cell from its outputs (``nbgrader.utils.determine_grade``): anything on
stderr or an error scores 0, a numeric ``execute_result`` is partial credit in points, anything
else is full marks. So ``grade_question`` runs the question's hidden pytest file, prints
feedback on stdout only, keeps every other byte off stderr, and returns the score as a float
for the cell to display. This path trusts the kernel (nbgrader always did); ``cnngrader``
itself grades outside it.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cnngrader.course.assignments import check_points
from cnngrader.course.course import Course
from cnngrader.course.markers import read_suite
from cnngrader.course.students import Whose, kernel_given, stated_in_namespace, whose_variant
from cnngrader.course.variants import has_variants
from cnngrader.errors import CourseError
from cnngrader.judge.local import LocalSubmission
from cnngrader.judge.session import run_once
from cnngrader.report.cell import question_text
from cnngrader.results import QuestionResult

SEED_VAR = "CNNGRADER_SEED"
DEFAULT_SEED = 0


def grade_question(assignment: str, question: str, namespace: Mapping[str, Any]) -> float:
    """Run the hidden tests of ``question`` (``autograder/<assignment>/``) on ``namespace``; the score."""
    course = Course.find()
    spec = course.assignment(assignment)
    points = float(spec.question(question).points)
    test_files = question_files(course.tests_dir(assignment), question)
    for test_file in test_files:
        _forget_other_module(test_file)
    whose = graded_for(namespace) if has_variants(course, assignment) else Whose(kernel_given()[1])
    with quiet(), _lean_pytest():
        results = run_once(
            paths=test_files, assignment=spec, submission=LocalSubmission(namespace), seed=grading_seed(),
            student=whose.student,
        )  # fmt: skip
    result = next(r for r in results if r.id == question)
    if not result.tests:
        raise CourseError(f"no hidden test of {assignment}/{question} ran: are {test_files} collectable?")
    check_points(spec.question(question), sum(t.max_score for t in result.tests), where=str(test_files[0]))
    print("\n".join([*whose.notes, feedback(result)]))
    # Above the cell's points nbgrader raises instead of grading; rounding hides float sums.
    return round(min(max(result.score, 0.0), points), 6)


def graded_for(namespace: Mapping[str, Any]) -> Whose:
    """Whose variant the kernel's notebook is graded with: the grader's id (``$CNNGRADER_STUDENT``,
    or the student folder nbgrader runs it in), else the ``STUDENT_ID`` it states, else canonical.
    The notebook's own cells learn the same id from ``graded_student``."""
    known, given = kernel_given()
    if known and given is None:
        return Whose(None)
    return whose_variant(given=given, stated=stated_in_namespace(namespace))


def question_files(folder: Path, question: str) -> list[Path]:
    """The hidden test files that hold tests of ``question`` (read from their markers, not run)."""
    files = sorted({test.file for test in read_suite(folder) if test.question == question})
    if not files:
        raise CourseError(f"no hidden test in {folder} is marked question({question!r})")
    return files


def _forget_other_module(test_file: Path) -> None:
    # pytest imports a hidden test file under its bare name (``test_q3``); a module of that name
    # left by another course in this interpreter would make collection fail with a mismatch.
    module = sys.modules.get(test_file.stem)
    if module is not None and Path(getattr(module, "__file__", None) or "").resolve() != test_file.resolve():
        del sys.modules[test_file.stem]


def grading_seed() -> int:
    """The seed of the hidden tests' random inputs: ``$CNNGRADER_SEED``, else the default."""
    value = os.environ.get(SEED_VAR, "")
    try:
        return int(value) if value else DEFAULT_SEED
    except ValueError:
        raise CourseError(f"{SEED_VAR} must be an integer, not {value!r}") from None


def feedback(result: QuestionResult) -> str:
    """A few lines for the student: the question's score, then each test's outcome and message."""
    return question_text(result)


# pytest's unraisable-exception plugin runs gc.collect() five times as a session ends: with torch
# loaded that is most of a one-question run (~0.4 s of ~0.5 s). Third-party plugins installed in
# the student's environment have no business in a hidden test run either.
LEAN_PYTEST_ENV = {
    "PYTEST_ADDOPTS": "-p no:unraisableexception -p no:threadexception",
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
}


@contextlib.contextmanager
def _lean_pytest() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in LEAN_PYTEST_ENV}
    os.environ.update(LEAN_PYTEST_ENV)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings and swallow stdout and stderr, Python-level and file-descriptor-level.

    What the student's code prints while tests run is not feedback, and a single byte on
    stderr (a torch UserWarning from C++) would make nbgrader score the cell 0.
    """
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        _fd_to_devnull(2),
        _fd_to_devnull(1),
    ):
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _fd_to_devnull(fd: int) -> Iterator[None]:
    # ipykernel forwards whatever reaches fds 1 and 2 into the cell's outputs, so point the fd
    # itself elsewhere for the duration. Flush first so nothing buffered lands in the void late.
    for stream in (sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()  # type: ignore[union-attr]
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)
