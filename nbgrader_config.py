"""nbgrader configuration of this course: the repository root is the course directory.

Run nbgrader from this folder (nbgrader reads ``nbgrader_config.py`` from the working directory).
The assignments are ``lab6`` and ``quiz6``: ``source/<id>/<id>.ipynb``. nbgrader 0.9 has no
setting that lists assignments; ``nbgrader generate_assignment <id>`` (or ``cnngrader release
<id>``) enters an assignment and its grade cells, hidden tests included, into ``gradebook.db``,
which ``nbgrader autograde`` needs in order to restore the hidden tests.
"""

from pathlib import Path

c = get_config()  # noqa: F821  (traitlets defines get_config when it loads this file)

# Anchored to this file rather than the working directory, so that a copy of the course (a TA's
# checkout, a test's tmp folder) grades into its own gradebook and never into another one.
COURSE_ROOT = Path(__file__).resolve().parent

c.CourseDirectory.root = str(COURSE_ROOT)
c.CourseDirectory.db_url = f"sqlite:///{COURSE_ROOT / 'gradebook.db'}"

# A cell of these notebooks takes well under a second (torch is imported once, in the first
# cell); hidden tests build a few small models. A minute per cell stops a runaway loop early
# without failing a slow but honest submission on a busy machine.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
