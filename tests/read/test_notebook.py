"""Reading submissions: every broken file gets a NotebookError in words a TA understands."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from cnngrader.errors import NotebookError
from cnngrader.read import read_notebook
from cnngrader.read.ipython import to_python


def write_nb(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# title")] + [nbformat.v4.new_code_cell(s) for s in sources]
    nb.cells[-1].metadata["nbgrader"] = {"grade_id": "cnn_answer", "solution": True}
    nbformat.write(nb, path)
    return path


def test_code_cells_keep_notebook_positions_and_grade_ids(tmp_path: Path) -> None:
    code = read_notebook(write_nb(tmp_path / "a.ipynb", "x = 1", "y = 2"))
    assert [c.index for c in code.cells] == [1, 2]
    assert [c.source for c in code.cells] == ["x = 1", "y = 2"]
    assert code.cells[-1].grade_id == "cnn_answer"


def test_ipython_syntax_becomes_calls_that_the_child_can_refuse(tmp_path: Path) -> None:
    code = read_notebook(write_nb(tmp_path / "a.ipynb", "%matplotlib inline\n!rm -rf /\nmodel?"))
    source = code.cells[0].source
    assert "get_ipython().system('rm -rf /')" in source
    assert "run_line_magic('matplotlib', 'inline')" in source
    compile(source, "cell", "exec")  # plain Python now


def test_plain_python_is_left_alone() -> None:
    source = "def f(x):\n    return x % 2  # 100% plain\n"
    assert to_python(source) == source


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"{not json", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"[1, 2, 3]", "not a Jupyter notebook"),
        (b'{"hello": "world"}', "not a Jupyter notebook"),
        (
            json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}).encode(),
            "format 3",
        ),
        ("{}".encode("utf-16"), "UTF-16"),
        (
            b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "\xff\xfe\xfa"}',
            "not UTF-8",
        ),
        (
            json.dumps(
                {
                    "cells": [{"cell_type": "code", "metadata": {}}],
                    "metadata": {},
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            ).encode(),
            "not a valid notebook",
        ),
    ],
)
def test_broken_files_raise_notebook_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "lab6.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError, match=words) as info:
        read_notebook(path)
    assert "lab6.ipynb" in str(info.value)


def test_oversized_notebook_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write_nb(tmp_path / "big.ipynb", "x = 1")
    with pytest.raises(NotebookError, match="over the 0 MB limit"):
        read_notebook(path, max_bytes=100)


def test_missing_file_and_folder_and_symlink(tmp_path: Path) -> None:
    with pytest.raises(NotebookError, match="does not exist"):
        read_notebook(tmp_path / "nope.ipynb")
    with pytest.raises(NotebookError, match="is a folder"):
        read_notebook(tmp_path)
    target = write_nb(tmp_path / "real.ipynb", "x = 1")
    (tmp_path / "link.ipynb").symlink_to(target)
    with pytest.raises(NotebookError, match="symbolic link"):
        read_notebook(tmp_path / "link.ipynb")


def test_public_checks_are_read_only_cells_and_nothing_else_is() -> None:
    release = Path(__file__).resolve().parents[2] / "release" / "lab6" / "lab6.ipynb"
    code = read_notebook(release)
    checks = [c for c in code.cells if c.public_check]
    assert checks and all((c.grade_id or "").endswith("_check") for c in checks)
    assert all(c.source.startswith("# Check") for c in checks)
    setup = [c for c in code.cells if c.read_only and not c.public_check]
    assert setup and all(c.setup and c.grade_id in ("variant_draw", "variant_mine") for c in setup)
