"""The one family of errors a user meets; anything else is a bug and keeps its traceback."""

from __future__ import annotations


class CnngraderError(Exception):
    """An error the user can act on; the CLI prints `Error: <message>` and exits with `exit_code`."""

    exit_code = 1


class UsageError(CnngraderError):
    """The command line or a keyword argument is wrong."""

    exit_code = 2


class CourseError(CnngraderError):
    """The course folder is not what an nbgrader course should be (missing config, assignment...)."""

    exit_code = 3


class IsolationError(CnngraderError):
    """The sandbox cannot reach the isolation level that was required."""

    exit_code = 4


class NotebookError(CnngraderError):
    """A submission cannot be read as a notebook; in a grade it becomes that student's error."""

    exit_code = 5
