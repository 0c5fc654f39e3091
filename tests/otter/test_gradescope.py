"""The Gradescope side of the zip: its requirements, its patched entry point, the submission folder."""

from __future__ import annotations

import importlib.metadata
import zipfile
from pathlib import Path

import pytest
from otter.generate import JINJA_ENV

from cnngrader.otter.grade import GradingSettings, grade_submission, gradescope_student
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


@pytest.mark.parametrize(
    ("metadata", "student"),
    [
        ({"users": [{"name": "Ada", "email": "ada@example.org", "sid": "s1234567"}]}, "s1234567"),
        ({"users": [{"name": "Ada", "sid": "  s1234567 "}]}, "s1234567"),
        ({}, None),  # otter run writes no metadata
        ({"users": [{"sid": "s1"}, {"sid": "s2"}]}, None),  # a group: the notebook's own id decides
        ({"users": [{"name": "Ada", "sid": ""}]}, None),
        ({"users": [{"name": "Ada", "sid": "../etc"}]}, None),
        ({"users": [{"name": "Ada"}]}, None),
        (None, None),
    ],
)
def test_the_submitters_id_comes_from_gradescopes_roster(metadata: object, student: str | None) -> None:
    assert gradescope_student(metadata) == student


def test_a_copied_notebook_is_graded_for_the_submitter_not_for_the_id_it_states(tmp_path: Path) -> None:
    """The solution notebook computes its answers from the id it is graded for; typed answers do not.
    A classmate's notebook, id and answers copied, earns little under the submitter's own id."""
    import nbformat

    from cnngrader.course import Course
    from cnngrader.course.variants import variant_for

    root = Path(__file__).resolve().parents[2]
    owner, copier = "s1234567", "s7654321"
    variant = variant_for(course=Course.open(root), assignment="quiz6", student=owner)
    answers = {q.id: q.answer for q in variant.questions}
    nb = nbformat.read(root / "release" / "quiz6" / "quiz6.ipynb", as_version=4)
    stated = False
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("_answer"):
            cell.source = f"{grade_id.removesuffix('_answer')} = {answers[grade_id.removesuffix('_answer')]}"
        if cell.cell_type == "code" and 'STUDENT_ID = ""' in cell.source:
            cell.source = cell.source.replace('STUDENT_ID = ""', f'STUDENT_ID = "{owner}"')
            stated = True
    assert stated, "the released quiz asks for STUDENT_ID"
    path = tmp_path / "quiz6.ipynb"
    nbformat.write(nb, path)
    settings = GradingSettings("quiz6")
    mine = grade_submission(path=path, settings=settings, course_root=root, seed=1, student=owner)
    copied = grade_submission(path=path, settings=settings, course_root=root, seed=1, student=copier)
    assert mine.score == 10, mine.errors
    assert copied.score <= 4 and copied.student == copier
    assert any(owner in e for e in copied.errors), copied.errors
