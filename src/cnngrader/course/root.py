"""Where the course is: the folder with ``nbgrader_config.py`` and the hidden tests in ``autograder/``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cnngrader.errors import CourseError

ENV_VAR = "CNNGRADER_COURSE"


def is_course_root(folder: Path) -> bool:
    """True for a folder that holds both nbgrader's config and the hidden tests."""
    return (folder / "nbgrader_config.py").is_file() and (folder / "autograder").is_dir()


def find_course_root(start: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """``$CNNGRADER_COURSE`` if set, else the nearest course folder at or above ``start`` (the cwd).

    nbgrader autograde runs a notebook in ``autograded/<student>/<assignment>/``, two levels below
    the course root, so walking up finds the course from wherever a notebook is executed.
    """
    env = os.environ if env is None else env
    if env.get(ENV_VAR):
        root = Path(env[ENV_VAR]).expanduser().resolve()
        if not is_course_root(root):
            raise CourseError(f"{ENV_VAR}={root} lacks nbgrader_config.py or autograder/")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_course_root(folder):
            return folder
    raise CourseError(
        f"no course folder (nbgrader_config.py beside autograder/) at or above {here}; set {ENV_VAR}"
    )
