"""Stage 1 of the pipeline: read a submitted notebook into plain-Python code cells.

``read.notebook`` (nbformat) is imported on first use, so that ``cnngrader.read.uses`` stays light
enough for a notebook's own public checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cnngrader.read.notebook import CodeCell, NotebookCode, read_notebook

__all__ = ["CodeCell", "NotebookCode", "read_notebook"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from cnngrader.read import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
