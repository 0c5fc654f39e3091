"""The Otter plugin that grades with cnngrader's confined engine instead of the student's kernel.

Otter's autograder executes a submission in a Jupyter kernel and runs tests there, where
student code can rewrite anything the tests rely on. With this plugin (``otter_config.json``:
``"plugins": [{"cnngrader.otter.plugin.CnngraderPlugin": {"assignment": "<id>"}}]``):

- ``before_grading`` moves the submission's ``.OTTER_LOG`` aside before Otter unpickles it;
- ``before_execution`` grades the submission file with cnngrader (bubblewrap, seccomp, data
  only), then moves every file of the submission folder aside and hands Otter an empty
  notebook, so Otter's kernel runs none of the student's code and imports none of their files;
- ``after_grading`` puts cnngrader's verdict in Otter's results, which Otter writes as
  Gradescope's ``results.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from otter.plugins import AbstractOtterPlugin
from otter.test_files import GradingResults

from cnngrader.otter.grade import GradingSettings, grade_submission, gradescope_student
from cnngrader.otter.gradescope import AutograderLayout
from cnngrader.otter.verdict import apply_verdict
from cnngrader.results import Result


class CnngraderPlugin(AbstractOtterPlugin):
    """Otter's plugin events, answered by cnngrader."""

    def __init__(self, submission_path: str, submission_metadata: dict[str, Any], plugin_config: Any) -> None:
        super().__init__(submission_path, submission_metadata, plugin_config)
        self._verdict: Result | None = None
        self._seed: int | None = None

    @property
    def settings(self) -> GradingSettings:
        return GradingSettings.from_config(self.plugin_config)

    @property
    def layout(self) -> AutograderLayout:
        return AutograderLayout.of_submission(Path(self.submission_path))

    def before_grading(self, config: Any) -> None:
        """Otter's seed, if the instructor set one, seeds the hidden inputs; the log is set aside."""
        self._seed = config.seed
        config.grade_from_log = False
        self.layout.quarantine(only=(".OTTER_LOG",))

    def before_execution(self, submission: Any) -> nbformat.NotebookNode:
        """Grade confined, then give Otter's kernel nothing of the student's to run or import."""
        self._verdict = self._grade()
        self.layout.quarantine()
        return empty_notebook()

    def after_grading(self, results: GradingResults) -> None:
        apply_verdict(results, self._verdict or self._grade())

    def _grade(self) -> Result:
        layout = self.layout
        return grade_submission(
            path=Path(self.submission_path), settings=self.settings,
            course_root=layout.course_root(self.settings), seed=self._seed,
            student=gradescope_student(self.submission_metadata),
        )  # fmt: skip


def empty_notebook() -> nbformat.NotebookNode:
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook: nbformat.NotebookNode = nbformat.v4.new_notebook(metadata={"kernelspec": kernelspec})
    return notebook
