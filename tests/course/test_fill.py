"""Filling a released notebook with the source's answers, as the solutions and test students are made."""

from __future__ import annotations

from cnngrader.course.cells import nbgrader_meta
from cnngrader.course.fill import answer_sources, fill_answers, strip_markers

from .conftest import release_nb, solution_nb, source_nb


def test_strip_markers_keeps_indentation() -> None:
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    assert strip_markers(source) == "def f():\n    return 1"


def test_only_the_chosen_answers_are_filled() -> None:
    filled = fill_answers(release_nb("quiz6"), source_nb("quiz6"), only={"q3_answer"})
    sources = {nbgrader_meta(c).get("grade_id"): c.source for c in filled.cells}
    assert sources["q3_answer"] == answer_sources(source_nb("quiz6"))["q3_answer"]
    assert "q3 = " in sources["q3_answer"] and "NotImplementedError" not in sources["q3_answer"]
    assert "NotImplementedError" in sources["q4_answer"]


def test_solutions_are_the_release_with_every_answer_filled() -> None:
    for assignment in ("lab6", "quiz6"):
        solved, release = solution_nb(assignment), release_nb(assignment)
        answers = answer_sources(source_nb(assignment))
        assert len(solved.cells) == len(release.cells)
        for mine, theirs in zip(solved.cells, release.cells, strict=True):
            grade_id = nbgrader_meta(theirs).get("grade_id")
            assert mine.metadata == theirs.metadata
            assert mine.source == answers.get(grade_id, theirs.source)
