"""The course half: release an assignment without leaking it, and grade inside nbgrader's kernel.

``cnngrader.course.incell.grade_question`` (the in-kernel path) is not re-exported here: it
imports torch and pytest, which releasing a notebook does not need.
"""

from cnngrader.course.release import ReleaseReport, release_assignment
from cnngrader.course.root import find_course_root

__all__ = ["ReleaseReport", "find_course_root", "release_assignment"]
