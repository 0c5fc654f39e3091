"""A ``get_ipython()`` stand-in for notebooks run outside Jupyter, and a ``display`` function.

The reader has already turned IPython syntax into calls (``%matplotlib inline`` into
``get_ipython().run_line_magic('matplotlib', 'inline')``, ``!ls`` into
``get_ipython().system('ls')``). Magics are harmless no-ops, except that timing magics run their
code; shell commands are never run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SHELL_MESSAGE = "(shell commands are not run during grading)"
SHELL_MAGICS = frozenset({"system", "sx", "pip", "conda", "mamba", "bash", "sh", "script", "!",
                          "perl", "ruby", "python", "python3", "pypy"})
RUNNING_LINE_MAGICS = frozenset({"time"})  # `%time x = f()` binds x in Jupyter
RUNNING_CELL_MAGICS = frozenset({"time", "capture"})


class GradingShell:
    """Just enough of IPython's InteractiveShell for notebook code to run unchanged."""

    def __init__(self, namespace: dict[str, Any], run_source: Callable[[str], None],
                 display: Callable[..., None]) -> None:
        self.user_ns = namespace
        self._run_source = run_source
        self._display = display

    def run_line_magic(self, magic_name: str, line: str, _stack_depth: int = 1) -> Any:
        if magic_name in SHELL_MAGICS:
            return self.system(line)
        if magic_name in RUNNING_LINE_MAGICS:
            self._run_source(line)
        return None

    def run_cell_magic(self, magic_name: str, line: str, cell: str) -> Any:
        if magic_name in SHELL_MAGICS:
            return self.system(cell)
        if magic_name in RUNNING_CELL_MAGICS:
            self._run_source(cell)
        return None

    def magic(self, line: str) -> Any:
        name, _, rest = line.lstrip("%").partition(" ")
        return self.run_line_magic(name, rest)

    def system(self, cmd: str = "") -> None:
        print(SHELL_MESSAGE)

    def getoutput(self, cmd: str = "", split: bool = True, depth: int = 0) -> list[str]:
        print(SHELL_MESSAGE)
        return []

    def display(self, *objs: Any, **kwargs: Any) -> None:
        self._display(*objs, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # Anything else IPython has (register_magic_function, kernel, ...) quietly does nothing.
        if name.startswith("__"):
            raise AttributeError(name)
        return _NoOp()


class _NoOp:
    def __call__(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> _NoOp:
        if name.startswith("__"):
            raise AttributeError(name)
        return self
