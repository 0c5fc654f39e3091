"""quiz6's Otter student notebook in a Jupyter kernel, as a student runs it after typing their id.

The setup cells keep working once Otter has built the notebook: they draw the stated student's
numbers, ``show("qN")`` prints the questions ``cnngrader variant`` says that student got, Otter's
``grader.check`` runs, and the form check says whose questions the answers are to.
"""

from __future__ import annotations

import os
from typing import Any

import nbformat
import pytest
from conftest import Build
from nbclient import NotebookClient
from otterkit import KERNEL_TIMEOUT, output_text, stating, typed, variant, variant_answers, without_cells
from submissions import STUDENT

pytestmark = pytest.mark.slow  # real otter assign and a Jupyter kernel

# Who the notebook is for, in a student's kernel, comes from STUDENT_ID alone.
GRADERS_AND_HUB = ("CNNGRADER_STUDENT", "NBGRADER_EXECUTION", "JUPYTERHUB_USER")


@pytest.fixture(scope="module")
def ran(builds: dict[str, Build], tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """The student notebook with the id and that student's own answers typed, run top to bottom."""
    student = nbformat.read(builds["quiz6"].student, as_version=4)
    nb = typed(stating(student, STUDENT), dict(enumerate(variant_answers("quiz6", STUDENT))))
    nb = nbformat.from_dict(without_cells(nb, "grader.export("))
    folder = tmp_path_factory.mktemp("student-variant")
    nbformat.write(nb, folder / "quiz6.ipynb")  # Otter's init cell reads its tests from this file
    env = {k: v for k, v in os.environ.items() if k not in GRADERS_AND_HUB}
    NotebookClient(nb, timeout=KERNEL_TIMEOUT, resources={"metadata": {"path": str(folder)}}).execute(env=env)
    return list(nb.cells)


def _output_of(cells: list[Any], source: str) -> str:
    (cell,) = [c for c in cells if c.cell_type == "code" and c.source.strip() == source]
    return output_text(cell)


def test_the_setup_cells_draw_the_stated_students_questions(ran: list[Any]) -> None:
    said = "\n".join(output_text(c) for c in ran if c.cell_type == "code")
    assert f"Your questions are drawn for the student id {STUDENT!r}." in said
    for question in variant("quiz6", STUDENT)["questions"]:
        assert _output_of(ran, f'show("{question["id"]}")').strip() == question["prompt"]


def test_otters_checks_and_the_form_check_run_on_the_students_answers(ran: list[Any]) -> None:
    for n in range(1, 11):
        report = _output_of(ran, f'grader.check("q{n}")')
        assert f"q{n} passed!" in report or "All test cases passed!" in report, report
    form = output_text(next(c for c in ran if c.source.startswith("# Check the form of your answers")))
    assert f"Answers to the questions of {STUDENT!r}." in form
    assert [line for line in form.splitlines() if line.startswith("q")] == [
        f"q{n}: answered" for n in range(1, 11)
    ]
