"""Text that reaches a terminal: whatever a student wrote is shown, never obeyed.

Messages carry student text (exception messages, names, printed values). A terminal would act on
the control characters in it: an escape sequence can retitle the window, move the cursor to
overwrite a score, or hide lines; bidirectional overrides reorder what a TA reads. Each such
character is shown as a visible escape instead. Line breaks and tabs stay.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def terminal_safe(text: str) -> str:
    """``text`` with control and direction-override characters written as ``\\x1b``/``\\u202e``."""
    return _UNSAFE.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
