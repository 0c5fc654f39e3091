"""Student text on a TA's terminal is shown, never obeyed."""

from __future__ import annotations

import pytest

from cnngrader.confine import IsolationLevel
from cnngrader.report.terminal import terminal_safe
from cnngrader.report.text import render_result
from cnngrader.results import Outcome, QuestionResult, Result, TestResult


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # window title
    ("score 0\r\x1b[2Kscore 10", "score 0\\x0d\\x1b[2Kscore 10"),  # overwrite a line
    ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
    ("\x9b31m", "\\x9b31m"),  # 8-bit CSI
    ("tab\tand\nnew line, ünïcödé ✓", "tab\tand\nnew line, ünïcödé ✓"),
])
def test_controls_are_written_as_visible_escapes(raw, shown):
    assert terminal_safe(raw) == shown


def test_a_result_with_hostile_messages_renders_without_control_characters():
    test = TestResult("test_x", 0.0, 1.0, Outcome.ERROR, "forward raised ValueError: \x1b[2J\x1b]0;10/10\x07")
    result = Result("quiz6", "sub/\x1b[31mquiz6.ipynb", 0.0, 10.0, IsolationLevel.BUBBLEWRAP,
                    (QuestionResult("q1", 0.0, 1.0, (test,)),), ("cell 2 raised E: \x1b[1A",), seed=1)
    text = render_result(result)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in text)
    assert "\\x1b]0;10/10\\x07" in text and "\\x1b[1A" in text and "\\x1b[31m" in text
