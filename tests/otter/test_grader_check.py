"""``grader.check("cnn")`` in the student notebook, executed for real in a Jupyter kernel."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from conftest import Build
from nbclient import NotebookClient
from otterkit import cells_with, edited, solution_answers

pytestmark = pytest.mark.slow  # real otter assign, otter run and a Jupyter kernel

KERNEL_TIMEOUT = 300


def output_text(cell: Any) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
        parts.append("\n".join(out.get("traceback", [])))
    return "\n".join(parts)


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
    assert "the lecture's CNN has 1,337 parameters, yours 1,145" in report  # 30 + 56 + 1,059: PyTorch counts
    assert "hidden" not in report.lower()


def test_the_right_cnn_passes_its_public_check(checked: list[Any]) -> None:
    report = output_text(checked[5])
    assert "cnn passed!" in report or "All test cases passed!" in report, report


def test_the_count_quoted_is_pytorchs(checked: list[Any]) -> None:
    from torch import nn

    env: dict[str, Any] = {"nn": nn}
    exec(checked[2]["source"], env)
    assert sum(p.numel() for p in env["CNN"]().parameters()) == 1145
