"""Time limits come from the course's nbgrader_config.py, as nbgrader's own would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cnngrader.confine import Limits
from cnngrader.course.config import load_settings
from cnngrader.errors import CourseError

from .conftest import copy_course

BASE = 'c = get_config()\n'


def course_limits(folder: Path) -> Limits:
    return load_settings(folder).limits


def course_with(tmp_path: Path, config: str) -> Path:
    (tmp_path / "nbgrader_config.py").write_text(BASE + config)
    return tmp_path


def test_the_shipped_course_uses_nbgraders_cell_timeout_and_cnngraders_defaults():
    repo = Path(__file__).resolve().parents[2]
    assert course_limits(repo) == Limits(cell_seconds=60)


def test_execute_timeout_and_the_cnngrader_section_apply(tmp_path):
    root = course_with(tmp_path, "c.Execute.timeout = 5\nc.Cnngrader.notebook_seconds = 20\n"
                                 "c.Cnngrader.probe_seconds = 2.5\n")
    limits = course_limits(root)
    assert (limits.cell_seconds, limits.notebook_seconds, limits.probe_seconds) == (5, 20, 2.5)
    assert limits.memory_bytes == Limits().memory_bytes


def test_no_config_means_the_defaults(tmp_path):
    assert course_limits(tmp_path) == Limits()


@pytest.mark.parametrize(("config", "words"), [
    ("c.Cnngrader.notebook_secs = 20\n", "unknown setting Cnngrader.notebook_secs"),
    ("c.Execute.timeout = -1\n", "cell_seconds must be a positive number"),
    ("c.Cnngrader.probe_seconds = 'soon'\n", "probe_seconds must be a positive number"),
    ("raise RuntimeError('half-edited')\n", "could not be read: RuntimeError: half-edited"),
])
def test_a_bad_setting_is_a_course_error_naming_it(tmp_path, config, words):
    with pytest.raises(CourseError, match=words):
        course_limits(course_with(tmp_path, config))


def test_check_stops_a_cell_at_the_courses_timeout(tmp_path):
    course = copy_course(tmp_path / "course")
    with (course / "nbgrader_config.py").open("a") as f:
        f.write("\nc.Execute.timeout = 2\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import time\ntime.sleep(30)"),
        nbformat.v4.new_code_cell("def conv_output_size(size, kernel, stride=1, padding=0):\n"
                                  "    return (size + 2 * padding - kernel) // stride + 1"),
    ])
    path = tmp_path / "lab6.ipynb"
    nbformat.write(nb, path)
    out = subprocess.run([sys.executable, "-m", "cnngrader", "check", str(path), "--assignment", "lab6",
                          "--json", "--course", str(course)], capture_output=True, text=True, timeout=120)
    result = json.loads(out.stdout)
    assert "cell 1 ran out of time" in " ".join(result["errors"])
    conv = next(q for q in result["questions"] if q["id"] == "conv_output_size")
    assert conv["score"] == conv["max_score"]  # the later cell still ran
