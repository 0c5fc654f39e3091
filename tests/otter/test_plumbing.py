"""Otter's own cells are recognised exactly, and the reader leaves only those out."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cnngrader.otter.plumbing import is_otter_plumbing
from cnngrader.read import read_notebook

OTTERS_OWN = [  # as otter assign writes them (otter.assign.cell_factory)
    '# Initialize Otter\nimport otter\ngrader = otter.Notebook("lab6.ipynb")',
    'grader.check("conv_output_size")',
    "# Save your notebook first, then run this cell to export your submission.\n"
    "grader.export(pdf=False, run_tests=True)",
    "grader.check_all()",
]
NOT_ONLY_OTTERS = [
    'grader.check("cnn")\nlinear_in_features = 3600',  # an answer typed into a check cell still runs
    "grader.check(question_name())",  # a call that computes its argument is student code
    "import otter as o",
    "import otter, os",
    "grader = otter.Notebook(nb())",
    "otter.Notebook.check = lambda *a: None",
    "model.export()",
    "grader.export(**options)",
    "",
    "# just a comment",
    "grader.check(",  # not even Python
]


@pytest.mark.parametrize("source", OTTERS_OWN)
def test_otters_own_cells_are_plumbing(source: str) -> None:
    assert is_otter_plumbing(source)


@pytest.mark.parametrize("source", NOT_ONLY_OTTERS)
def test_any_other_code_is_not(source: str) -> None:
    assert not is_otter_plumbing(source)


def test_the_reader_leaves_out_otters_cells_and_keeps_cell_numbers(tmp_path: Path) -> None:
    sources = [OTTERS_OWN[0], "x = 1", OTTERS_OWN[1], NOT_ONLY_OTTERS[0], OTTERS_OWN[2]]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    path = tmp_path / "lab6.ipynb"
    nbformat.write(nb, path)
    code = read_notebook(path)
    assert [(c.index, c.source) for c in code.cells] == [(1, "x = 1"), (3, NOT_ONLY_OTTERS[0])]
