"""Late-submission penalties, computed by the course's own nbgrader plugin as autograde does.

nbgrader's ``AssignLatePenalties`` asks ``plugin_class`` (by default ``LateSubmissionPlugin``
with its ``penalty_method``) for each late notebook's penalty, clamps it to ``[0, score]`` and
stores it on the submitted notebook. The same preprocessor class, configured from the course's
``nbgrader_config.py``, does it here, so a course's own plugin class is honoured too.
"""

from __future__ import annotations

from typing import Any


def late_penalties(config: Any) -> Any:
    """nbgrader's ``AssignLatePenalties``, configured as the course configures it, plugin ready."""
    from nbgrader.preprocessors import AssignLatePenalties

    assigner = AssignLatePenalties(config=config)
    assigner.init_plugin()
    return assigner


def apply_penalty(assigner: Any, submission: Any, notebook: Any) -> None:
    """Set ``notebook.late_submission_penalty`` as ``AssignLatePenalties.preprocess`` sets it.

    ``submission`` is nbgrader's ``SubmittedAssignment`` (it knows how late it is),
    ``notebook`` its ``SubmittedNotebook`` (it knows its score, manual grades included).
    """
    notebook.late_submission_penalty = None
    seconds = submission.total_seconds_late
    if seconds <= 0:
        return
    penalty = assigner.plugin_inst.late_submission_penalty(submission.student_id, notebook.score, seconds)
    if penalty is not None:
        notebook.late_submission_penalty = assigner._check_late_penalty(notebook, penalty)
