"""Small edits of a variant's source: the one-line slips students make when they copy a model."""

from __future__ import annotations


def replace(text: str, old: str, new: str) -> str:
    """``text`` with every ``old`` replaced; ``old`` must occur."""
    if old not in text:
        raise ValueError(f"{old!r} does not occur in the source")
    return text.replace(old, new)


def _line_index(lines: list[str], needle: str) -> int:
    for i, line in enumerate(lines):
        if needle in line:
            return i
    raise ValueError(f"no line holds {needle!r}")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def insert_line(text: str, anchor: str, line: str, *, after: bool = True) -> str:
    """``text`` with ``line`` added, indented like the first line holding ``anchor``."""
    lines = text.split("\n")
    at = _line_index(lines, anchor)
    where = at + 1 if after else at
    return "\n".join([*lines[:where], _indent(lines[at]) + line, *lines[where:]])


def delete_line(text: str, needle: str) -> str:
    """``text`` without the first line holding ``needle``."""
    lines = text.split("\n")
    at = _line_index(lines, needle)
    return "\n".join(lines[:at] + lines[at + 1 :])
