"""The Gradescope side of the zip: its requirements, its patched entry point, the submission folder."""

from __future__ import annotations

import importlib.metadata
import zipfile
from pathlib import Path

import pytest
from otter.generate import JINJA_ENV

from cnngrader.otter.gradescope import (
    GRADESCOPE_ROOT,
    QUARANTINE,
    RUN_OTTER,
    AutograderLayout,
    find_notebook,
    patch_zip,
    requirements,
)


def test_requirements_pin_torchs_cpu_build_of_the_running_version_then_the_shipped_wheel() -> None:
    torch = importlib.metadata.version("torch").split("+")[0]
    lines = requirements("cnngrader-9.9-py3-none-any.whl")
    assert lines == [
        "--extra-index-url https://download.pytorch.org/whl/cpu",
        f"torch=={torch}+cpu",
        f"{GRADESCOPE_ROOT}/source/files/dist/cnngrader-9.9-py3-none-any.whl",
    ]


def _otter_zip(path: Path) -> dict[str, bytes]:
    """A zip with Otter's own rendered templates, as Otter Generate writes them."""
    context = {"autograder_dir": GRADESCOPE_ROOT, "otter_env_name": "otter-env", "miniforge_version": "1"}
    entries = {
        "run_autograder": JINJA_ENV.get_template("common/run_autograder").render(**context).encode(),
        "run_otter.py": JINJA_ENV.get_template("common/run_otter.py").render(**context).encode(),
        "setup.sh": JINJA_ENV.get_template("python/setup.sh").render(**context).encode(),
        "tests/q1.py": b"OK_FORMAT = False\n",
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return entries


def test_patching_replaces_the_entry_point_adds_bubblewrap_and_leaves_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "autograder.zip"
    before = _otter_zip(path)
    patch_zip(path)
    with zipfile.ZipFile(path) as zf:
        after = {name: zf.read(name) for name in zf.namelist()}
    assert list(after) == list(before)
    assert after["run_otter.py"].decode() == RUN_OTTER
    assert (
        after["run_autograder"] == before["run_autograder"] and after["tests/q1.py"] == before["tests/q1.py"]
    )
    setup = after["setup.sh"].decode().splitlines()
    otters = next(i for i, line in enumerate(setup) if line.startswith("apt-get install -y wget"))
    assert setup[otters + 3].startswith("apt-get install -y bubblewrap")
    assert setup[: otters + 1] + setup[otters + 4 :] == before["setup.sh"].decode().splitlines()
    compile(after["run_otter.py"], "run_otter.py", "exec")


@pytest.fixture
def layout(tmp_path: Path) -> AutograderLayout:
    root = tmp_path / "autograder"
    (root / "source" / "files" / "course").mkdir(parents=True)
    sub = root / "submission"
    (sub / "tests").mkdir(parents=True)
    (sub / "course").mkdir()  # Otter copies the zip's files here too
    for name in ("lab6.ipynb", ".OTTER_LOG", "pickle.py"):
        (sub / name).write_text(name)
    (sub / "__init__.py").write_text("import os  # the student's own")
    return AutograderLayout(root)


def test_the_log_goes_aside_first_then_everything_but_otters_tests(layout: AutograderLayout) -> None:
    assert layout.quarantine(only=(".OTTER_LOG",)) == [".OTTER_LOG"]
    assert not (layout.submission / ".OTTER_LOG").exists()
    moved = layout.quarantine()
    assert sorted(moved) == ["__init__.py", "course", "lab6.ipynb", "pickle.py"]
    assert sorted(p.name for p in layout.submission.iterdir()) == ["__init__.py", "tests"]
    assert (layout.submission / "__init__.py").read_text() == ""
    assert (layout.root / QUARANTINE / "pickle.py").read_text() == "pickle.py"


def test_the_submitted_notebook_is_found_where_the_plugin_moved_it(layout: AutograderLayout) -> None:
    assert layout.submitted_notebook() == layout.submission / "lab6.ipynb"
    layout.quarantine()
    assert layout.submitted_notebook() == layout.root / QUARANTINE / "lab6.ipynb"


def test_find_notebook_says_why_there_is_none(tmp_path: Path) -> None:
    assert find_notebook(tmp_path) == "no notebook (.ipynb) in the submission"
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "tests").mkdir()
    assert (
        find_notebook(tmp_path, ignore={"tests"}) == "no notebook (.ipynb) in the submission; found notes.txt"
    )
    (tmp_path / "a.ipynb").write_text("")
    (tmp_path / "b.ipynb").write_text("")
    assert find_notebook(tmp_path) == "submit exactly one notebook; found a.ipynb, b.ipynb"
