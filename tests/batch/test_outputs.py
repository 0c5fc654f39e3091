"""The outputs an autograded notebook shows for a cell, from the cell's report."""

from __future__ import annotations

import nbformat

from cnngrader.batch.outputs import cell_outputs
from cnngrader.confine import CellReport, CellStatus
from cnngrader.read.demos import WHY


def _valid(outputs: list[dict]) -> list[dict]:
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    nbformat.validate(nbformat.v4.new_notebook(cells=[cell]))
    return outputs


def test_a_skipped_cell_says_why_it_did_not_run():
    (shown,) = _valid(cell_outputs(CellReport.stopped(4, CellStatus.SKIPPED, WHY)))
    assert shown["data"]["text/plain"] == f"<{WHY}>"


def test_a_cell_that_ran_quietly_shows_nothing_and_a_failure_shows_its_error():
    assert cell_outputs(CellReport(2, CellStatus.OK)) == []
    (error,) = _valid(cell_outputs(CellReport(2, CellStatus.ERROR, ename="ValueError", evalue="bad")))
    assert (error["ename"], error["evalue"]) == ("ValueError", "bad")
