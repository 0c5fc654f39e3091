"""What ``cnngrader otter ID --to DIR`` writes: Otter Assign's layout, for students and for Gradescope."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import Build
from otterkit import ROOT, answer_indexes, cells_with, cnngrader, read

from cnngrader.course.leaks import find_leaks
from cnngrader.otter.course import course_questions

pytestmark = pytest.mark.slow  # real otter assign and otter run


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_otter_assigns_layout_with_the_zip_under_its_fixed_name(
    builds: dict[str, Build], assignment: str
) -> None:
    build = builds[assignment]
    assert sorted(p.name for p in (build.dir / "student").iterdir()) == [f"{assignment}.ipynb"]
    assert build.zip.is_file() and build.solutions.is_file()
    assert not list((build.dir / "autograder").glob("*-autograder_*.zip"))
    for path in (build.student, build.zip, build.solutions):
        assert str(path) in build.stdout


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_the_zip_ships_the_hidden_tests_the_course_config_cnngrader_and_the_plugin(
    builds: dict[str, Build], assignment: str
) -> None:
    with zipfile.ZipFile(builds[assignment].zip) as zf:
        names = set(zf.namelist())
        config = json.loads(zf.read("otter_config.json"))
        environment = zf.read("environment.yml").decode()
    hidden = {
        f"files/course/autograder/{assignment}/{p.name}"
        for p in (ROOT / "autograder" / assignment).glob("*.py")
    }
    assert hidden <= names and "files/course/nbgrader_config.py" in names
    assert {f"tests/{q.id}.py" for q in course_questions(course_root=ROOT, assignment=assignment)} <= names
    assert {"run_autograder", "run_otter.py", "setup.sh"} <= names
    assert not any("__pycache__" in n for n in names)
    wheel = next(n for n in names if n.startswith("files/dist/cnngrader-") and n.endswith(".whl"))
    plugin = {"cnngrader.otter.plugin.CnngraderPlugin": {"assignment": assignment, "course": "course"}}
    assert config["plugins"] == [plugin]
    assert (config["show_hidden"], config["force_public_test_summary"]) == (True, False)
    assert f"/autograder/source/{wheel}" in environment and "+cpu" in environment


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_students_get_otters_cells_around_nbgraders_stubs(builds: dict[str, Build], assignment: str) -> None:
    student = read(builds[assignment].student)
    sources = ["".join(c["source"]) for c in student["cells"]]
    assert "grader = otter.Notebook(" in sources[0]
    checks = [s for s in sources if s.startswith("grader.check(")]
    ids = [q.id for q in course_questions(course_root=ROOT, assignment=assignment)]
    assert checks == [f'grader.check("{q}")' for q in ids]
    assert "grader.export(" in next(s for s in reversed(sources) if "grader." in s)
    released = nbformat.read(ROOT / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    stubs = [c.source for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert [sources[i] for i in answer_indexes(student)] == stubs


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_no_solution_and_no_hidden_test_reaches_students(builds: dict[str, Build], assignment: str) -> None:
    source = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    student = nbformat.read(builds[assignment].student, as_version=4)
    assert find_leaks(source, student, notebook="student") == []
    tests = student["metadata"]["otter"]["tests"]
    assert sorted(tests) == sorted(q.id for q in course_questions(course_root=ROOT, assignment=assignment))
    assert not any("hidden=True" in t or "cnngrader plugin" in t for t in tests.values())
    assert cells_with(student, "BEGIN PROMPT") == [] and cells_with(student, "grade_question") == []


def test_the_autograders_notebook_keeps_the_solutions(builds: dict[str, Build]) -> None:
    solutions = read(builds["lab6"].solutions)
    assert cells_with(solutions, "nn.Linear(1250, 1)")
    assert "hidden=True" in solutions["metadata"]["otter"]["tests"]["cnn"]


def test_usage_and_course_errors_exit_with_their_codes(tmp_path: Path) -> None:
    unknown = cnngrader("otter", "lab7", "--to", str(tmp_path))
    assert unknown.returncode == 2 and "unknown assignment 'lab7'" in unknown.stderr
    assert cnngrader("otter", "lab6").returncode == 2  # --to is required
    not_a_course = cnngrader("otter", "lab6", "--to", str(tmp_path), "--course", str(tmp_path))
    assert not_a_course.returncode == 3 and "nbgrader_config.py" in not_a_course.stderr
    assert "Traceback" not in unknown.stderr + not_a_course.stderr
