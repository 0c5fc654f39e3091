"""The leak proof on tiny notebooks: every secret line counts, public and stub lines do not."""

from __future__ import annotations

import nbformat

from cnngrader.course.leaks import find_leaks, secret_lines


def nb(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


SOURCE = nb(
    "def f(x):\n    ### BEGIN SOLUTION\n    y = x * 42\n    return y\n    ### END SOLUTION",
    "# graded\n### BEGIN HIDDEN TESTS\nassert f(1) == 42\n### END HIDDEN TESTS",
    "print(f(2))\nreturn y",
)


def test_secret_lines_are_region_lines_that_are_not_public() -> None:
    assert secret_lines(SOURCE) == {"y = x * 42": "solution", "assert f(1) == 42": "hidden test"}


STUB = "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"


def test_a_clean_release_has_no_leak() -> None:
    release = nb(STUB, "# graded", "print(f(2))")
    assert find_leaks(SOURCE, release, notebook="n.ipynb") == []


def test_a_solution_line_anywhere_is_a_leak() -> None:
    release = nb(STUB, "# graded", "  y = x * 42")
    (leak,) = find_leaks(SOURCE, release, notebook="n.ipynb")
    assert (leak.cell, leak.kind, leak.line) == (2, "solution", "y = x * 42")


def test_hidden_tests_and_markers_are_leaks() -> None:
    release = nb("### BEGIN HIDDEN TESTS\nassert f(1) == 42")
    kinds = sorted(leak.kind for leak in find_leaks(SOURCE, release, notebook="n.ipynb"))
    assert kinds == ["hidden test", "marker"]


def test_outputs_are_searched_too() -> None:
    release = nb("print(1)")
    release.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="y = x * 42\n")]
    assert [leak.kind for leak in find_leaks(SOURCE, release, notebook="n.ipynb")] == ["solution"]
