"""The one gradebook writer: a thread of the coordinator that syncs records as they arrive.

Records are the source of truth and are already on disk when they reach this thread, so a
kill at any moment loses nothing: the next run finds what the gradebook lacks and writes it.
Small transactions keep the database free for a formgrader between them.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from functools import partial

from cnngrader.batch.gradebook import PATIENCE, ensure_assignment, open_gradebook, with_retries, write_records
from cnngrader.batch.state import Record
from cnngrader.course.course import Course

BATCH = 20


@dataclass(frozen=True)
class SyncReport:
    synced: int = 0
    problems: tuple[str, ...] = ()
    error: str | None = None
    error_exit_code: int = 1


class GradebookSync:
    """Write records into nbgrader's gradebook in a background thread, in arrival order."""

    def __init__(
        self, course: Course, assignment: str, *, patience: float = PATIENCE, batch: int = BATCH
    ) -> None:
        self.course = course
        self.assignment = assignment
        self.patience = patience
        self.batch = batch
        self._queue: queue.Queue[Record | None] = queue.Queue()
        self._synced = 0
        self._problems: tuple[str, ...] = ()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="gradebook", daemon=True)

    def start(self) -> GradebookSync:
        self._thread.start()
        return self

    def put(self, record: Record) -> None:
        self._queue.put(record)

    def finish(self, *, timeout: float | None = None) -> SyncReport:
        """Write what was put, then stop; an error is reported, not raised (the records are safe).

        With ``timeout`` (after Ctrl-C), stop waiting then: the thread dies with the process, SQLite
        rolls its open transaction back, and the next run writes what is missing.
        """
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            return SyncReport(self._synced, self._problems, "interrupted before every grade was written")
        error = None if self._error is None else str(self._error) or type(self._error).__name__
        code = int(getattr(self._error, "exit_code", 1))
        return SyncReport(self._synced, self._problems, error, code)

    def _main(self) -> None:
        try:
            with open_gradebook(self.course, patience=self.patience) as gb:
                ensure = partial(ensure_assignment, gb, self.course, self.assignment)
                self._problems = with_retries(gb, ensure, patience=self.patience)
                known = {s.id for s in gb.students}
                while (batch := self._take()) is not None:
                    write = partial(write_records, gb, self.course, self.assignment, batch, known)
                    with_retries(gb, write, patience=self.patience)
                    self._synced += len(batch)
        except BaseException as exc:  # reported by finish(); the thread must not die silently
            self._error = exc

    def _take(self) -> list[Record] | None:
        """The next records to write (waits for one); None once finish() was called and all are written."""
        first = self._queue.get()
        if first is None:
            return None
        batch = {first.student: first}
        while len(batch) < self.batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # seen again after this batch is written
                break
            batch[item.student] = item
        return list(batch.values())
