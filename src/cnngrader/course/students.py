"""Student ids: whose variant a notebook is graded for, and what the notebook says about it.

An assignment with per-student variants draws each student's numbers from their id. Three places
know an id, and they are trusted in this order:

1. the grader's own: the submission folder (``submitted/<student>/<id>/``), or ``--student``;
2. the id the notebook states: a top-level ``STUDENT_ID = "..."`` (a string literal, read from
   the source without running it);
3. none: the canonical variant, the figures of the assignment's contract.

While a notebook runs for grading, ``$CNNGRADER_STUDENT`` holds the id it is graded for (empty:
canonical), so a notebook that computes its numbers from the id computes the graded ones.
Light: no torch, no nbformat.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cnngrader.course.course import Course
from cnngrader.errors import CourseError, UsageError
from cnngrader.read.syntax import parsed

ENV_VAR = "CNNGRADER_STUDENT"
STATED_NAME = "STUDENT_ID"
MAX_ID_CHARS = 100
NBGRADER_EXECUTION = "NBGRADER_EXECUTION"  # nbgrader sets it to "autograde" while it autogrades


def id_problem(value: object) -> str | None:
    """Why ``value`` cannot be a student id, in words that follow the id's name; None if it can."""
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not an id in quotes"
    text = value.strip()
    if not text:
        return "is empty"
    if len(text) > MAX_ID_CHARS:
        return f"is {len(text)} characters long (an id has at most {MAX_ID_CHARS})"
    if not text.isprintable():
        return "holds characters that cannot be typed (line breaks or control characters)"
    if "/" in text or "\\" in text or text in (".", ".."):
        return "looks like a path: an id is a name such as ada or s1234567"
    return None


def check_student(value: str, *, what: str = "--student") -> str:
    """``value`` stripped, or a UsageError that names ``what`` and says what is wrong with it."""
    problem = id_problem(value)
    if problem is not None:
        raise UsageError(f"{what} {value!r} {problem}")
    return value.strip()


def same_student(a: str, b: str) -> bool:
    """Ids name the same student when they differ only in case or surrounding spaces."""
    return a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True)
class Stated:
    """What a notebook says about its student: an id, a problem with what it says, or nothing."""

    student: str | None = None
    problem: str | None = None  # the notebook tried to state an id, and this is what is wrong


def stated_in_sources(sources: Iterable[str]) -> Stated:
    """The last top-level ``STUDENT_ID = ...`` of the cells, read from their syntax, never run.

    An empty string states nothing (the notebook's own default); anything but a string literal
    is a problem, since only what the notebook literally says can be compared with its folder.
    """
    found: ast.expr | None = None
    for source in sources:
        tree = parsed(source)
        for node in tree.body if tree is not None else ():
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id == STATED_NAME:
                found = value
    if found is None:
        return Stated()
    if not isinstance(found, ast.Constant):
        return Stated(problem="is not an id in quotes (it is computed)")
    return stated_value(found.value)


def stated_in_namespace(namespace: Mapping[str, object]) -> Stated:
    """What a kernel's ``STUDENT_ID`` says (nbgrader's in-kernel path)."""
    if STATED_NAME not in namespace:
        return Stated()
    return stated_value(namespace[STATED_NAME])


def stated_value(value: object) -> Stated:
    """What a ``STUDENT_ID`` value says: a whole number is an id too (``1234567``)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return Stated()
    problem = id_problem(value)
    return Stated(problem=problem) if problem else Stated(student=str(value).strip())


@dataclass(frozen=True)
class Whose:
    """Whose variant a submission is graded with (None: the canonical one), and why, if it matters."""

    student: str | None
    notes: tuple[str, ...] = ()


def whose_variant(*, given: str | None, stated: Stated) -> Whose:
    """Decide whose variant to grade: the grader's id wins; the notebook's is used only without one.

    A notebook that states another student's id, or an id that cannot be one, gets a note that
    says whose questions it was graded with.
    """
    graded_as = (
        f"it was graded with the questions of {given!r}, whose submission it is"
        if given is not None
        else "it was graded with the canonical questions, those of everyone without an id"
    )
    if stated.problem is not None:
        return Whose(given, (f"{STATED_NAME} {stated.problem}; {graded_as}.",))
    if stated.student is None:
        return Whose(given)
    if given is None:
        return Whose(stated.student)
    if same_student(stated.student, given):
        return Whose(given)
    note = (
        f"This notebook says {STATED_NAME} = {stated.student!r}, but {graded_as}: its numbers "
        f"differ from those of {stated.student!r}. Set {STATED_NAME} = {given!r} and answer the "
        "questions it then shows."
    )
    return Whose(given, (note,))


def folder_student(course: Course, path: Path | str, assignment: str | None = None) -> str | None:
    """The student whose ``submitted/`` or ``autograded/`` folder holds ``path`` (a notebook or a
    folder), as nbgrader's ``directory_structure`` places it; None outside those folders."""
    here = Path(os.path.abspath(path))
    for step in (course.directories.submitted, course.directories.autograded):
        pattern = _folder_pattern(course, step, assignment)
        for folder in (here, *here.parents):
            match = pattern.fullmatch(str(folder))
            if match:
                return match["student"]
    return None


def _folder_pattern(course: Course, step: str, assignment: str | None) -> re.Pattern[str]:
    template = re.escape(str(course.step_dir(step, "\0", "\1")))
    one = r"[^/]+"
    return re.compile(
        template.replace(re.escape("\0"), f"(?P<student>{one})").replace(
            re.escape("\1"), re.escape(assignment) if assignment else one
        )
    )


def kernel_given(*, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> tuple[bool, str | None]:
    """Whether a grader says whose notebook a kernel runs, and whose (None: the canonical variant).

    ``$CNNGRADER_STUDENT`` when a grader set it (empty: canonical); else, when the kernel runs in a
    student's folder of a course (``nbgrader autograde`` runs it in ``autograded/<student>/<id>/``),
    that student; else nobody says.
    """
    env = os.environ if env is None else env
    if ENV_VAR in env:
        return True, env[ENV_VAR].strip() or None
    here = cwd or Path.cwd()
    try:
        course = Course.find(here, env=env)
    except CourseError:
        return False, None
    student = folder_student(course, here)
    return student is not None, student


def graded_student(
    stated: object = None, *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> str | None:
    """Whose variant a notebook is graded for, asked from inside its kernel: the grader's id
    (:func:`kernel_given`), else the id the notebook states (``stated``, its ``STUDENT_ID``) if it
    is one, else None (canonical). The same student the hidden tests grade it for."""
    known, given = kernel_given(env=env, cwd=cwd)
    return given if known else stated_value(stated).student
