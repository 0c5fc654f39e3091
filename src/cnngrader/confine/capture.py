"""Capped text streams that stand in for stdout and stderr while a cell runs."""

from __future__ import annotations

import io


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
