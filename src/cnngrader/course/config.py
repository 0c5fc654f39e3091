"""A course's ``nbgrader_config.py``, loaded once, read the way nbgrader reads it.

nbgrader's settings that decide where things are (``CourseDirectory``), how long a cell may run
(``Execute.timeout``) and how late work is penalised (``AssignLatePenalties``,
``LateSubmissionPlugin``) are honoured as ``nbgrader autograde`` honours them. cnngrader's own
limits live in a ``Cnngrader`` section::

    c.Cnngrader.notebook_seconds = 120
    c.Cnngrader.probe_seconds = 10

Kept light (traitlets only, no nbgrader import): an idle rerun reads this and little else.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnngrader.confine.shared.limits import Limits
from cnngrader.errors import CnngraderError, CourseError

CONFIG_FILE = "nbgrader_config.py"
SECTION = "Cnngrader"
DEFAULT_COURSE_ID = "default_course"
DEFAULT_STRUCTURE = os.path.join("{nbgrader_step}", "{student_id}", "{assignment_id}")
STRUCTURE_KEYS = ("{nbgrader_step}", "{student_id}", "{assignment_id}")


@dataclass(frozen=True)
class Directories:
    """nbgrader's ``CourseDirectory`` names: the folder of each step and how paths are built."""

    structure: str = DEFAULT_STRUCTURE
    source: str = "source"
    release: str = "release"
    submitted: str = "submitted"
    autograded: str = "autograded"
    feedback: str = "feedback"


@dataclass(frozen=True)
class Settings:
    """Everything cnngrader takes from a course's ``nbgrader_config.py``."""

    folder: Path  # where nbgrader_config.py is (the course is opened from here)
    root: Path  # CourseDirectory.root: where the steps' folders are
    course_id: str
    db_url: str
    directories: Directories
    limits: Limits
    raw: Any = dataclasses.field(default=None, compare=False, repr=False)  # the traitlets Config

    @property
    def db_path(self) -> Path | None:
        """The SQLite file behind ``db_url``, or None for another kind of database."""
        prefix = "sqlite:///"
        return Path(self.db_url[len(prefix) :]) if self.db_url.startswith(prefix) else None


def load_settings(folder: Path) -> Settings:
    """The settings of the course whose ``nbgrader_config.py`` is in ``folder`` (defaults if none)."""
    folder = Path(folder).resolve()
    config = load_config(folder)
    coursedir = config.get("CourseDirectory", {})
    root = Path(str(coursedir.get("root") or folder)).expanduser()
    root = (folder / root).resolve() if not root.is_absolute() else root.resolve()
    return Settings(
        folder=folder,
        root=root,
        course_id=str(coursedir.get("course_id") or DEFAULT_COURSE_ID).strip(),
        db_url=str(coursedir.get("db_url") or f"sqlite:///{root / 'gradebook.db'}"),
        directories=_directories(coursedir, folder),
        limits=course_limits(config, folder),
        raw=config,
    )


def load_config(folder: Path) -> Any:
    """The traitlets ``Config`` of ``folder/nbgrader_config.py``; an empty one if there is none."""
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    loader = PyFileConfigLoader(CONFIG_FILE, path=str(folder))
    try:
        return loader.load_config()
    except ConfigFileNotFound:
        return Config()
    except Exception as exc:  # the instructor's file: say which and why
        why = f"{type(exc).__name__}: {exc}"
        raise CourseError(f"{folder / CONFIG_FILE} could not be read: {why}") from None


def _directories(coursedir: Any, folder: Path) -> Directories:
    names = {f.name: f.default for f in dataclasses.fields(Directories)}
    values: dict[str, str] = {}
    for field, default in names.items():
        key = "directory_structure" if field == "structure" else f"{field}_directory"
        value = coursedir.get(key)
        values[field] = str(value) if value else str(default)
    missing = [key for key in STRUCTURE_KEYS if key not in values["structure"]]
    if missing:
        raise CourseError(
            f"{folder / CONFIG_FILE}: CourseDirectory.directory_structure {values['structure']!r} "
            f"lacks {', '.join(missing)} (nbgrader requires all three)"
        )
    return Directories(**values)


def course_limits(config: Any, folder: Path, base: Limits | None = None) -> Limits:
    """``base`` (cnngrader's defaults) with the course's ``Execute.timeout`` and ``Cnngrader`` section."""
    base = base or Limits()
    changes: dict[str, Any] = {}
    execute = config.get("Execute", {})
    if execute.get("timeout") is not None:
        changes["cell_seconds"] = execute["timeout"]
    own = dict(config.get(SECTION, {}))
    known = {f.name for f in dataclasses.fields(Limits)}
    unknown = sorted(set(own) - known)
    if unknown:
        raise CourseError(f"{folder / CONFIG_FILE}: unknown setting {SECTION}.{unknown[0]} "
                          f"(known: {', '.join(sorted(known))})")  # fmt: skip
    changes.update(own)
    try:
        return dataclasses.replace(base, **changes)
    except CnngraderError as exc:
        raise CourseError(f"{folder / CONFIG_FILE}: {exc}") from None
