"""nbgrader's own ``autograde`` (the in-kernel path) agrees with ``cnngrader check`` on honest notebooks.

A dozen corpus notebooks (right spellings, typical mistakes, half-done) go through the real
``nbgrader generate_assignment`` and ``autograde`` on a copy of the course; each question's score
in nbgrader's gradebook must equal the one ``cnngrader check --json`` reports for the same file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_release
from corpus_cli import check_many, write_cases
from nbgrader.api import Gradebook
from students.corpus import Case, cases

HONEST = (
    "lab6-right-00",
    "lab6-right-01",
    "lab6-right-10",  # conv -> max pool -> ReLU
    "lab6-right-12",  # adaptive max pooling and clamp(min=0)
    "lab6-rule-conv2d_single-aliased_import",  # the by-hand rule holds in the kernel too (In)
    "lab6-rule-max_pool2d_single-calls_f_max_pool2d",
    "lab6-mistake-cnn-no_relu_at_all",
    "lab6-mistake-cnn-missing_padding",
    "lab6-mistake-conv2d_single-flipped_kernel",
    "lab6-mistake-param_counts-bias_forgotten",
    "lab6-mistake-budget_cnn-over_budget",
    "lab6-half_done-even_stubs",
    "lab6-half_done-param_counts-linear_stub_left",
    "quiz6-right-01",
    "quiz6-right-03",  # a tensor for a shape, "(b)" for a letter
    "quiz6-mistake-q2-extra_letter",
    "quiz6-half_done-odd_stubs",
)
COURSE_FILES = ("nbgrader_config.py", "source", "release", "autograder")
TOLERANCE = 1e-6


CASES: dict[str, Case] = {c.name: c for c in cases() if c.name in HONEST}
ASSIGNMENT = {name: case.assignment for name, case in CASES.items()}


def copy_course(dst: Path, course_root: Path) -> Path:
    """What an instructor's checkout holds, without any gradebook or submissions."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    dst.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        src = course_root / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=ignore)
        else:
            shutil.copy2(src, dst / name)
    return dst


def nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True,
                          text=True, timeout=1800, check=False)  # fmt: skip
    assert done.returncode == 0, (
        f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )


def gradebook_scores(course: Path, assignment: str, student: str) -> dict[str, float]:
    """Grade id -> score of one autograded submission, from nbgrader's gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: float(g.score) for g in nb.grades}


def submit(case_paths: dict[str, Path], course: Path) -> dict[str, tuple[str, Path]]:
    """Each notebook as ``submitted/<student>/<assignment>/``; case name -> (student, path)."""
    placed = {}
    for i, (name, path) in enumerate(sorted(case_paths.items())):
        assignment, student = ASSIGNMENT[name], f"s{i:02d}"
        target = course / "submitted" / student / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copy2(path, target)
        placed[name] = (student, target)
    return placed


@pytest.mark.slow
def test_nbgrader_autograde_agrees_with_cnngrader_check(tmp_path: Path, course_root: Path) -> None:
    require_release("lab6", "quiz6")
    course = copy_course(tmp_path / "course", course_root)
    assert sorted(CASES) == sorted(HONEST), "a chosen notebook is no longer in the corpus"
    written = write_cases(CASES.values(), course_root=course_root, folder=tmp_path / "notebooks")
    placed = submit(written, course)
    for assignment in ("lab6", "quiz6"):
        nbgrader(course, "generate_assignment", assignment, "--force")
        nbgrader(course, "autograde", assignment, "--force")
    checked = check_many(((path, ASSIGNMENT[name]) for name, (_, path) in placed.items()), course_root=course)
    disagreements = []
    for name, (student, path) in placed.items():
        result = checked[path].result
        assert result is not None, checked[path].describe()
        mine = {q["id"]: float(q["score"]) for q in result["questions"]}
        theirs = gradebook_scores(course, ASSIGNMENT[name], student)
        disagreements += [
            f"{name} {q}: nbgrader {theirs.get(q)}, cnngrader {score}"
            for q, score in mine.items()
            if theirs.get(q) is None or abs(theirs[q] - score) > TOLERANCE
        ]
    assert not disagreements, "\n".join(disagreements)
