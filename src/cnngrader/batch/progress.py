"""Progress of a batch on stderr: a tqdm bar with ETA on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from cnngrader.report.terminal import terminal_safe

PLAIN_EVERY = 5.0  # seconds between plain progress lines


class Progress:
    """Counts graded submissions; says what went wrong as it happens."""

    def __init__(self, *, total: int, label: str, echo: bool = True, stream: TextIO | None = None) -> None:
        self.total = total
        self.label = label
        self.echo = echo and total > 0
        self.stream = stream or sys.stderr
        self.done = 0
        self.errors = 0
        self._started = time.monotonic()
        self._last_line = self._started  # the first line after PLAIN_EVERY, not at the first grade
        self._first_done = 0.0  # the ETA counts from here: worker start-up says nothing of the rate
        self._bar = self._make_bar() if self.echo and self.stream.isatty() else None

    def _make_bar(self) -> Any:  # tqdm is untyped
        from tqdm import tqdm

        return tqdm(
            total=self.total, desc=self.label, unit="nb", file=self.stream, dynamic_ncols=True, smoothing=0.1
        )

    def advance(self, *, error: bool = False) -> None:
        self.done += 1
        self._first_done = self._first_done or time.monotonic()
        self.errors += error
        if self._bar is not None:
            self._bar.update(1)
            if self.errors:
                self._bar.set_postfix_str(f"{self.errors} with errors", refresh=False)
        elif self.echo and (self.done == self.total or time.monotonic() - self._last_line >= PLAIN_EVERY):
            self._plain()

    def note(self, text: str) -> None:
        """A line that must not be lost in the bar (a worker died, a retry)."""
        text = terminal_safe(text)
        if not self.echo:
            return
        if self._bar is not None:
            self._bar.write(f"{self.label}: {text}", file=self.stream)
        else:
            print(f"{self.label}: {text}", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def _plain(self) -> None:
        self._last_line = time.monotonic()
        elapsed = self._last_line - self._started
        left = self.total - self.done
        rate = (self._last_line - self._first_done) / (self.done - 1) if self.done > 1 else 0.0
        eta = f", about {rate * left:.0f} s left" if rate and left else ""
        errors = f", {self.errors} with errors" if self.errors else ""
        print(
            f"{self.label}: {self.done}/{self.total} graded ({100 * self.done // self.total}%){errors}"
            f", {elapsed:.1f} s{eta}",
            file=self.stream,
            flush=True,
        )
