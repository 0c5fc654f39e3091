"""IPython syntax students use (``%matplotlib inline``, ``!pip list``, ``x?``) as plain Python.

IPython's own transformer turns each of those into a ``get_ipython()`` call; the confined child
provides a ``get_ipython()`` whose magics are harmless and whose shell escapes never run.
"""

from __future__ import annotations

from functools import lru_cache

from IPython.core.inputtransformer2 import TransformerManager


@lru_cache(maxsize=1)
def _manager() -> TransformerManager:
    return TransformerManager()


def to_python(source: str) -> str:
    """The cell as plain Python; a cell IPython cannot transform is returned as written."""
    if not any(mark in source for mark in ("%", "!", "?")):
        return source  # the common case, and IPython's transformer is not free
    try:
        return _manager().transform_cell(source)
    except Exception:  # a cell IPython chokes on still gets its SyntaxError when it runs
        return source
