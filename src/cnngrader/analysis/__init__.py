"""Item analysis for instructors: which questions taught, which misled (``cnngrader report``).

Pure statistics over grading records (``findings``, ``items``, ``failures``, ``choices``,
``students``), rendered as one self-contained HTML page (``page``, ``figures``) and a CSV
(``table``); ``sources`` is the one place that reads the course, ``files`` the one that writes.
"""

from cnngrader.analysis.choices import OptionMeaning, letter_itself
from cnngrader.analysis.files import course_findings, write_report
from cnngrader.analysis.findings import Findings, analyse

__all__ = ["Findings", "OptionMeaning", "analyse", "course_findings", "letter_itself", "write_report"]
