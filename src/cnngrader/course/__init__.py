"""What belongs to the course rather than the engine: its folder, settings, assignments, releases.

:class:`~cnngrader.course.course.Course` owns the course folder (nbgrader's layout and
``nbgrader_config.py``) and discovers its assignments; ``release`` builds what students get and
proves nothing secret reached it; ``incell`` is the published hidden-cell call that
``nbgrader autograde`` runs inside the student's kernel (not imported here: it needs torch).
"""

from cnngrader.course.assignments import Assignment, Question
from cnngrader.course.course import Course

__all__ = ["Assignment", "Course", "Question"]
