"""Layer tables: golden text and HTML, rows aligned by operation, totals."""

from __future__ import annotations

import os
from pathlib import Path

import cnn_spellings as spell
import pytest

from cnngrader.inspect import follow_model, layer_table_html, layer_table_text, model_steps, total_parameters
from cnngrader.inspect.table import layer_rows

GOLDEN = Path(__file__).parent / "golden"
INPUT = (1, 100, 100)


def golden(name: str, text: str) -> None:
    """Compare with tests/inspect/golden/<name>; CNNGRADER_REGOLD=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("CNNGRADER_REGOLD"):
        path.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lecture():  # type: ignore[no-untyped-def]
    return model_steps(spell.Sequential(), INPUT)


def test_student_table_alone(lecture) -> None:  # type: ignore[no-untyped-def]
    golden("lecture.txt", layer_table_text(lecture))


def test_a_missing_relu_is_one_gap_not_a_shifted_table(lecture) -> None:  # type: ignore[no-untyped-def]
    found = model_steps(spell.MissingRelu(), INPUT)
    rows = layer_rows(found, lecture)
    assert [r.differs for r in rows] == [False, True, False, False, False, False, False, False]
    assert rows[1].found is None
    golden("missing_relu.txt", layer_table_text(found, lecture))


def test_html_marks_differing_rows_and_escapes(lecture) -> None:  # type: ignore[no-untyped-def]
    model = spell.WrongLinear()
    found = follow_model(model, INPUT).steps
    html = layer_table_html(found, lecture, found_total=total_parameters(model), expected_total=1337)
    assert html.count('class="differs"') == 2  # the linear layer and the extra sigmoid
    assert "-&gt;" in html and "->" not in html.replace("-&gt;", "")
    golden("wrong_linear.html", html)


def test_totals_default_to_the_sum_of_the_rows(lecture) -> None:  # type: ignore[no-untyped-def]
    last = layer_table_text(lecture).splitlines()[-1]
    assert last.split() == ["total", "1,337"]
