"""The course: one object that owns the folder, its nbgrader settings, its paths and assignments.

Modelled on nbgrader's ``CourseDirectory``: a course is a folder with ``nbgrader_config.py`` and
the hidden tests in ``autograder/``; every path of a step (``source``, ``release``,
``submitted``, ``autograded``, ``feedback``) is built from the course's ``directory_structure``
as nbgrader builds it, so a course that renames a step or reorders the structure is graded
where nbgrader would look. Light: no torch, nbformat or nbgrader import.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping
from pathlib import Path

from cnngrader.confine.shared.limits import Limits
from cnngrader.course.assignments import Assignment, read_assignment
from cnngrader.course.config import CONFIG_FILE, Directories, Settings, load_settings
from cnngrader.course.markers import TEST_GLOB
from cnngrader.errors import CourseError, UsageError

ENV_VAR = "CNNGRADER_COURSE"
HIDDEN_TESTS = "autograder"
STATE_DIR = ".cnngrader"
_ID = re.compile(r"[A-Za-z0-9_.\-]+")


class Course:
    """A course folder in nbgrader's layout, with cnngrader's hidden tests in ``autograder/``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.root
        self.folder = settings.folder
        self._assignments: dict[str, Assignment] = {}

    # -- finding a course ----------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path | str | None = None, *, env: Mapping[str, str] | None = None) -> Course:
        """The course at ``folder`` (``--course DIR``); without one, :meth:`find` from here."""
        if folder is None:
            return cls.find(env=env)
        path = Path(folder).expanduser().resolve()
        if not path.is_dir():
            raise CourseError(f"{path} is not a folder (pass the course folder with --course DIR)")
        if not is_course(path):
            raise CourseError(f"{path} is not a course folder: {_lacks(path)} (run the command from the "
                              "course folder, or pass --course DIR)")  # fmt: skip
        return cls(load_settings(path))

    @classmethod
    def find(cls, start: Path | None = None, env: Mapping[str, str] | None = None) -> Course:
        """``$CNNGRADER_COURSE`` if set, else the nearest course folder at or above ``start`` (the cwd).

        nbgrader runs a notebook inside ``autograded/<student>/<assignment>/``, below the course
        root, so walking up finds the course from wherever a notebook is executed.
        """
        env = os.environ if env is None else env
        if env.get(ENV_VAR):
            path = Path(env[ENV_VAR]).expanduser().resolve()
            if not is_course(path):
                raise CourseError(f"{ENV_VAR}={path} is not a course folder: {_lacks(path)}")
            return cls(load_settings(path))
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if is_course(folder):
                return cls(load_settings(folder))
        raise CourseError(f"no course folder ({CONFIG_FILE} beside {HIDDEN_TESTS}/) at or above {here}; "
                          f"pass --course DIR or set {ENV_VAR}")  # fmt: skip

    # -- settings ------------------------------------------------------------------------------

    @property
    def directories(self) -> Directories:
        return self.settings.directories

    @property
    def limits(self) -> Limits:
        return self.settings.limits

    @property
    def course_id(self) -> str:
        return self.settings.course_id

    @property
    def db_url(self) -> str:
        return self.settings.db_url

    @property
    def db_path(self) -> Path | None:
        return self.settings.db_path

    # -- paths ---------------------------------------------------------------------------------

    def step_dir(self, step: str, student: str, assignment: str) -> Path:
        """nbgrader's ``CourseDirectory.format_path``: the folder of one step, student, assignment."""
        path = self.directories.structure.format(
            nbgrader_step=step, student_id=student, assignment_id=assignment
        )
        return Path(os.path.normpath(self.root / path))

    def source_dir(self, assignment: str) -> Path:
        return self.step_dir(self.directories.source, ".", assignment)

    def release_dir(self, assignment: str) -> Path:
        return self.step_dir(self.directories.release, ".", assignment)

    def submitted(self, student: str, assignment: str) -> Path:
        return self.step_dir(self.directories.submitted, student, assignment)

    def autograded(self, student: str, assignment: str) -> Path:
        return self.step_dir(self.directories.autograded, student, assignment)

    def feedback(self, student: str, assignment: str) -> Path:
        return self.step_dir(self.directories.feedback, student, assignment)

    def tests_dir(self, assignment: str) -> Path:
        """The hidden tests of ``assignment``: ``autograder/<id>/``."""
        return self.root / HIDDEN_TESTS / assignment

    @property
    def state_dir(self) -> Path:
        """cnngrader's own records, beside nbgrader's folders."""
        return self.root / STATE_DIR

    def record_path(self, student: str, assignment: str) -> Path:
        """The per-submission record: the source of truth the gradebook is synced from.

        Not in ``autograded/``: ``nbgrader generate_feedback`` copies that folder to the student,
        and a record holds what only the TA should see (the seed, a grader traceback).
        """
        return self.state_dir / "records" / assignment / student / "record.json"

    def source_notebook(self, assignment: str) -> Path:
        return self.source_dir(assignment) / self.assignment(assignment).notebook

    # -- assignments ---------------------------------------------------------------------------

    def assignment_ids(self) -> tuple[str, ...]:
        """Every assignment of the course: a source folder with a notebook and hidden tests."""
        tests = self.root / HIDDEN_TESTS
        found = []
        for folder in sorted(p for p in tests.iterdir() if p.is_dir()) if tests.is_dir() else []:
            if any(folder.glob(TEST_GLOB)) and any(self.source_dir(folder.name).glob("*.ipynb")):
                found.append(folder.name)
        return tuple(found)

    def assignment(self, assignment_id: str) -> Assignment:
        """The assignment, read from the course on first use; a clear error if it is not one."""
        if assignment_id not in self._assignments:
            self._assignments[assignment_id] = self._read(assignment_id)
        return self._assignments[assignment_id]

    def _read(self, assignment_id: str) -> Assignment:
        if not _ID.fullmatch(assignment_id) or assignment_id in (".", ".."):
            raise UsageError(f"{assignment_id!r} is not an assignment id (letters, digits, '_', '-', '.')")
        source, tests = self.source_dir(assignment_id), self.tests_dir(assignment_id)
        if not source.is_dir() and not tests.is_dir():
            known = ", ".join(self.assignment_ids()) or "none"
            raise UsageError(
                f"unknown assignment {assignment_id!r} in {self.root} (its assignments: {known})"
            )
        if not tests.is_dir():
            raise CourseError(f"assignment {assignment_id!r} has no hidden tests: {tests} is not a folder")
        return read_assignment(assignment_id, source, tests)

    # -- submissions ---------------------------------------------------------------------------

    def submitting_students(self, assignment: str) -> list[str]:
        """Students with a submitted folder for ``assignment``, found as nbgrader finds them."""
        step = self.directories.submitted
        relative = self.directories.structure.format(
            nbgrader_step=glob.escape(step), student_id="*", assignment_id=glob.escape(assignment)
        )
        pattern = os.path.normpath(os.path.join(glob.escape(str(self.root)), relative))
        template = re.escape(str(self.step_dir(step, "\0", assignment))).replace(
            re.escape("\0"), "(?P<s>[^/]+)"
        )
        out = []
        for path in glob.glob(pattern):
            match = re.fullmatch(template, path)
            if match and os.path.isdir(path) and not match["s"].startswith("."):
                out.append(match["s"])
        return sorted(set(out))


def is_course(folder: Path) -> bool:
    """The one answer to "is this a course?": nbgrader's config beside the hidden tests."""
    return (folder / CONFIG_FILE).is_file() and (folder / HIDDEN_TESTS).is_dir()


def _lacks(folder: Path) -> str:
    present = {
        CONFIG_FILE: (folder / CONFIG_FILE).is_file(),
        f"{HIDDEN_TESTS}/": (folder / HIDDEN_TESTS).is_dir(),
    }
    missing = [name for name, ok in present.items() if not ok]
    return f"it has no {' and no '.join(missing)}" if missing else "it is not readable"
