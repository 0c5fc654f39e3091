"""The gradebook through nbgrader's API: created from source, written, read fast, waited for when locked."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from cnngrader.batch.gradebook import (
    GradebookLocked,
    ensure_assignment,
    open_gradebook,
    read_grades,
    with_retries,
    write_records,
)
from cnngrader.batch.snapshot import read_snapshot
from cnngrader.batch.state import Record
from cnngrader.confine import IsolationLevel
from cnngrader.course import Course
from cnngrader.errors import CourseError
from cnngrader.results import QuestionResult, Result

from .batchkit import QUESTIONS


def record(student: str, scores: dict[str, float], timestamp: str | None = None) -> Record:
    questions = tuple(QuestionResult(q, scores.get(q, 0.0), 1.0, ()) for q in QUESTIONS)
    result = Result("quiz6", "x.ipynb", sum(scores.values()), 10.0, IsolationLevel.RLIMITS, questions)
    return Record(student, "key", 1, "sha", (), "engine", result, timestamp=timestamp)


def test_assignment_and_grade_cells_come_from_the_source_notebook(course: Path):
    c = Course.open(course)
    with open_gradebook(c) as gb:
        assert ensure_assignment(gb, c, "quiz6") == ()
        notebook = gb.find_notebook("quiz6", "quiz6")
        assert sorted(cell.name for cell in notebook.grade_cells) == sorted(QUESTIONS)
        assert {cell.name for cell in notebook.solution_cells} == {f"{q}_answer" for q in QUESTIONS}
        assert gb.find_assignment("quiz6").max_score == 10
        assert ensure_assignment(gb, c, "quiz6") == ()  # idempotent


def test_a_creation_cut_short_is_finished_by_the_next_grade(course: Path, monkeypatch):
    """nbgrader commits grade cells one at a time; a grade killed among them leaves a partial
    notebook in the gradebook, which the next grade completes (and never counts as complete)."""
    import nbgrader.api

    c = Course.open(course)
    saved: list[str] = []
    original = nbgrader.api.Gradebook.update_or_create_grade_cell

    def killed_after_three(self, name, *args, **kwargs):
        if len(saved) == 3:
            raise KeyboardInterrupt("the grade was stopped here")
        saved.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(nbgrader.api.Gradebook, "update_or_create_grade_cell", killed_after_three)
    with open_gradebook(c) as gb, pytest.raises(KeyboardInterrupt):
        ensure_assignment(gb, c, "quiz6")
    monkeypatch.undo()
    with open_gradebook(c) as gb:
        assert len(gb.find_notebook("quiz6", "quiz6").grade_cells) == 3
        assert ensure_assignment(gb, c, "quiz6") == ()
        cells = gb.find_notebook("quiz6", "quiz6").grade_cells
        assert sorted(cell.name for cell in cells) == sorted(QUESTIONS)
        assert gb.find_assignment("quiz6").max_score == 10
    assert not list((course / ".cnngrader" / "gradebook").glob("*.creating"))


def test_missing_grade_cells_and_missing_source_are_reported(course: Path):
    import nbformat

    c = Course.open(course)
    with open_gradebook(c) as gb:
        assert ensure_assignment(gb, c, "quiz6") == ()
    # The instructor adds q11 to the notebook and its tests, but the gradebook still holds the
    # assignment as it was released: its score can be recorded, not written to the gradebook.
    path = course / "source" / "quiz6" / "quiz6.ipynb"
    nb = nbformat.read(path, as_version=4)
    graded = next(cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == "q10")
    extra = nbformat.from_dict(json.loads(json.dumps(graded)))
    extra.metadata.nbgrader.grade_id, extra.id = "q11", "q11"
    extra.source = extra.source.replace('"q10"', '"q11"')
    nb.cells.append(extra)
    nbformat.write(nb, path)
    test = (course / "autograder" / "quiz6" / "test_q10.py").read_text().replace("q10", "q11")
    (course / "autograder" / "quiz6" / "test_q11.py").write_text(test)
    c = Course.open(course)
    with open_gradebook(c) as gb:
        problems = ensure_assignment(gb, c, "quiz6")
    assert len(problems) == 1 and "'q11' has no grade cell" in problems[0]
    (course / "gradebook.db").unlink()
    path.rename(path.with_suffix(".bak"))
    with pytest.raises(CourseError, match="has no notebook"):
        Course.open(course).assignment("quiz6")


def test_records_written_read_back_through_the_api_and_the_fast_snapshot(course: Path):
    c = Course.open(course)
    ada = record("ada", dict.fromkeys(QUESTIONS, 1.0), "2025-03-01 10:00:00 UTC")
    bob = record("bob", {"q1": 1.0, "q2": 0.5})
    with open_gradebook(c) as gb:
        ensure_assignment(gb, c, "quiz6")
        write_records(gb, c, "quiz6", [ada, bob], set())
    view = {s.student: s for s in read_grades(c, "quiz6").students}
    assert view["ada"].score == 10 and view["ada"].timestamp == "2025-03-01 10:00:00"
    assert view["bob"].scores["q2"] == 0.5 and view["bob"].score == 1.5
    snapshot = read_snapshot(c, "quiz6", "quiz6")
    assert snapshot is not None and snapshot.cells == frozenset(QUESTIONS)
    assert snapshot.scores["bob"] == bob.scores()
    assert snapshot.stale([ada, bob]) == []
    assert snapshot.stale([record("bob", {"q1": 1.0})]) != []
    assert snapshot.stale([record("cyd", {})]) != []


def test_snapshot_of_a_missing_or_foreign_database(course: Path):
    c = Course.open(course)
    empty = read_snapshot(c, "quiz6", "quiz6")
    assert empty is not None and empty.stale([record("ada", {})]) != []
    foreign = Course(replace(c.settings, db_url="postgresql://x/y"))
    assert read_snapshot(foreign, "quiz6", "quiz6") is None


@pytest.mark.slow
def test_a_locked_gradebook_is_waited_for_not_lost(course: Path):
    c = Course.open(course)
    with open_gradebook(c) as gb:
        ensure_assignment(gb, c, "quiz6")
    holder = sqlite3.connect(course / "gradebook.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # a formgrader in the middle of a long write
    release = threading.Timer(6.5, holder.rollback)  # longer than pysqlite's 5 s busy timeout
    release.start()
    started = time.monotonic()
    with open_gradebook(c) as gb:
        late = [record("ada", {"q1": 1.0})]
        with_retries(gb, lambda: write_records(gb, c, "quiz6", late, set()), patience=30)
    release.join()
    holder.close()
    assert time.monotonic() - started > 6
    assert read_grades(c, "quiz6").students[0].scores["q1"] == 1.0


def test_with_retries_gives_up_after_its_patience_with_a_clear_error(course: Path):
    calls = []

    def locked() -> None:
        calls.append(1)
        raise RuntimeError("(sqlite3.OperationalError) database is locked")

    with (
        open_gradebook(Course.open(course)) as gb,
        pytest.raises(GradebookLocked, match="run the command again"),
    ):
        with_retries(gb, locked, patience=0.3)
    assert len(calls) > 2
    with open_gradebook(Course.open(course)) as gb, pytest.raises(ValueError):
        with_retries(gb, lambda: int("x"), patience=5)
