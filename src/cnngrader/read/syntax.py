"""A cell's syntax tree, parsed once: a grade reads each cell's code several times (the id it
states, which names a function uses, what a demo cell binds), and most cells of a course's
submissions are the same instructor cells."""

from __future__ import annotations

import ast
import functools

CACHED_CHARS = 64 * 1024  # larger cells are parsed each time: a hostile cell must not fill the cache


def parsed(source: str) -> ast.Module | None:
    """The tree of ``source``, or None if it does not parse. Shared between callers: never change it."""
    if len(source) > CACHED_CHARS:
        return _parse(source)
    return _cached(source)


@functools.lru_cache(maxsize=4096)
def _cached(source: str) -> ast.Module | None:
    return _parse(source)


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # nesting too deep for the parser
        return None
