"""``grader.check("cnn")`` in the student notebook, executed for real in a Jupyter kernel."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from conftest import Build
from nbclient import NotebookClient
from otterkit import KERNEL_TIMEOUT, cells_with, edited, output_text, solution_answers

pytestmark = pytest.mark.slow  # real otter assign, otter run and a Jupyter kernel


@pytest.fixture(scope="module")
def checked(builds: dict[str, Build], tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """Otter's init cell, the setup cell, then a wrong CNN, its check, the right CNN, its check."""
    student = nbformat.read(builds["lab6"].student, as_version=4)
    init, setup = student.cells[0], student.cells[cells_with(student, "# Run this cell first.")[0]]
    check = student.cells[cells_with(student, 'grader.check("cnn")')[0]]
    right = solution_answers("lab6")[4]
    wrong = edited(right, ("padding=1", "padding=0"), ("nn.Linear(1250, 1)", "nn.Linear(1058, 1)"))
    code = nbformat.v4.new_code_cell
    cells = [code(init.source), code(setup.source)]
    for answer in (wrong, right):
        cells += [code(answer), code(check.source)]
    nb = nbformat.v4.new_notebook(cells=cells, metadata=student.metadata)
    folder = tmp_path_factory.mktemp("grader-check")
    nbformat.write(nb, folder / "lab6.ipynb")  # Otter's init cell reads its tests from this file
    NotebookClient(nb, timeout=KERNEL_TIMEOUT, resources={"metadata": {"path": str(folder)}}).execute()
    return list(nb.cells)


def test_a_wrong_cnn_is_told_what_the_public_check_says(checked: list[Any]) -> None:
    report = output_text(checked[3])
    assert "cnn results:" in report and "Test case failed" in report
    assert (
        "step 1: expected conv 1->3 kernel 3 padding 1, found conv 1->3 kernel 3 padding 0 "
        "-> output 3x98x98 instead of 3x100x100. Hint: padding = kernel_size // 2"
    ) in report
    assert "hidden" not in report.lower()


def test_the_right_cnn_passes_its_public_check(checked: list[Any]) -> None:
    report = output_text(checked[5])
    assert "cnn passed!" in report or "All test cases passed!" in report, report


def test_the_shapes_quoted_are_pytorchs(checked: list[Any]) -> None:
    import torch
    from torch import nn

    for answer, side in ((checked[2], 98), (checked[4], 100)):  # the wrong CNN's first step, the right one's
        env: dict[str, Any] = {"nn": nn}
        exec(answer["source"], env)
        first = env["CNN"]().main[0]
        assert tuple(first(torch.zeros(1, 1, 100, 100)).shape) == (1, 3, side, side)
