"""Child side: execute a notebook's cells in one namespace, like a kernel, output captured per cell."""

from __future__ import annotations

import ast
import builtins
import io
import json
import sys
import traceback
from typing import Any

from cnngrader.confine.child.shell import GradingShell
from cnngrader.confine.shared.reports import MAX_DISPLAY_CHARS, MAX_DISPLAYS, MAX_ERROR_CHARS, MAX_NAME_CHARS

CELL_FILENAME = "<cell>"
REPORT_BYTES = 512 * 1024  # well under the wire's header limit


class CappedText(io.TextIOBase):
    """Keeps the first ``cap`` characters written and counts the rest, so a flood costs nothing."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self._cap = cap
        self._parts: list[str] = []
        self._kept = 0
        self._dropped = 0

    @property
    def encoding(self) -> str:  # type: ignore[override]  # libraries read it; the base has it read-only
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self._cap - self._kept
        if room > 0:
            self._parts.append(text[:room])
            self._kept += min(room, len(text))
        self._dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self) -> str:
        text = "".join(self._parts)
        if self._dropped:
            text += f"\n... [output truncated: {self._dropped} more characters]"
        return text


class Notebook:
    """The student's namespace (``__name__ == "__main__"``) and the means to run cells in it."""

    def __init__(self, output_chars: int) -> None:
        self.output_chars = output_chars
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self._displays: list[str] = []
        self._figures = 0
        self.shell = GradingShell(self.namespace, self._run_nested, self.display)
        self.namespace["get_ipython"] = lambda: self.shell
        self.namespace["display"] = self.display
        # IPython's input history, as a kernel keeps it: a notebook's own checks may read its code.
        self.history: list[str] = [""]
        self.namespace["In"] = self.history

    def run_cell(self, index: int, source: str) -> dict[str, Any]:
        """Run one cell; whatever it raises (SystemExit included) becomes the cell's error."""
        out, err = CappedText(self.output_chars), CappedText(self.output_chars)
        self._displays, self._figures = [], 0
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        report: dict[str, Any] = {"index": index, "status": "ok", "ename": "", "evalue": ""}
        self.history.append(source)
        try:
            self._execute(source)
        except BaseException as exc:  # the student's code may raise anything at all
            report.update(status="error", ename=_name(exc), evalue=_first_line(exc))
            _print_traceback(exc, err)
        finally:
            sys.stdout, sys.stderr = saved
        report.update(stdout=out.getvalue(), stderr=err.getvalue(), displays=self._displays,
                      figures=self._figures + _close_figures())
        return fit(report)

    def display(self, *objs: Any, **kwargs: Any) -> None:
        for obj in objs:
            if _is_figure(obj):
                self._figures += 1
            elif len(self._displays) < MAX_DISPLAYS:
                self._displays.append(_repr(obj))

    def _execute(self, source: str) -> None:
        tree = ast.parse(source, CELL_FILENAME)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        if last is not None:
            tree.body.pop()
        exec(compile(tree, CELL_FILENAME, "exec"), self.namespace)
        if last is not None:
            # As in Jupyter, the value of a cell's last expression is displayed.
            value = eval(compile(ast.Expression(last.value), CELL_FILENAME, "eval"), self.namespace)
            if value is not None:
                self.display(value)

    def _run_nested(self, source: str) -> None:
        exec(compile(source, CELL_FILENAME, "exec"), self.namespace)


def fit(report: dict[str, Any], limit: int = REPORT_BYTES) -> dict[str, Any]:
    """Shorten the captured text until the report's JSON fits in one frame header.

    Escaping can make text six times longer (control characters), so counting characters is
    not enough.
    """
    while len(json.dumps(report)) > limit:
        if report["displays"]:
            report["displays"] = report["displays"][: len(report["displays"]) // 2]
            continue
        longest = max(("stdout", "stderr"), key=lambda key: len(report[key]))
        if len(report[longest]) < 100:
            break
        report[longest] = report[longest][: len(report[longest]) // 2] + "\n... [output truncated]"
    return report


def _name(exc: BaseException) -> str:
    try:
        return str(type(exc).__name__)[:MAX_NAME_CHARS]
    except Exception:
        return "Exception"


def _first_line(exc: BaseException) -> str:
    try:
        lines = str(exc).strip().splitlines()
    except Exception:
        return "(the error's message could not be read)"
    return lines[0][:MAX_ERROR_CHARS] if lines else ""


def _print_traceback(exc: BaseException, stream: CappedText) -> None:
    try:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != CELL_FILENAME:
            tb = tb.tb_next  # the grader's own frames mean nothing to the student
        stream.write("".join(traceback.format_exception(type(exc), exc, tb)))
    except Exception:
        stream.write(f"{_name(exc)}: {_first_line(exc)}\n")


def _repr(obj: Any) -> str:
    try:
        text = repr(obj)
    except Exception as exc:
        text = f"<{type(obj).__name__}: repr raised {_name(exc)}>"
    return text[:MAX_DISPLAY_CHARS]


def _is_figure(obj: Any) -> bool:
    return type(obj).__module__.startswith("matplotlib.") and hasattr(obj, "savefig")


def _close_figures() -> int:
    """Count and close the figures a cell left open, as the inline backend shows and drops them."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return 0
    try:
        count = len(pyplot.get_fignums())
        pyplot.close("all")
    except Exception:
        return 0
    return count
