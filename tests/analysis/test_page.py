"""The page and items.csv from hand-made records: self-contained, escaped, honest about thin data."""

from __future__ import annotations

import csv
import io
import re

import pytest

from cnngrader.analysis.findings import Findings, analyse
from cnngrader.analysis.page import render_page
from cnngrader.analysis.table import COLUMNS, items_csv
from cnngrader.results import Outcome

from .kit import QUIZ_POINTS, items, record, synthetic_quiz

HOSTILE = '<script>alert("x")</script><img src="https://evil.example/x.png">'


@pytest.fixture(scope="module")
def findings() -> Findings:
    records = synthetic_quiz(40, seed=1)
    records.append(record("eve", {"q1": [("q1: the answer", 0, 1, Outcome.FAILED, HOSTILE)],
                                  **{q: 1.0 for q in QUIZ_POINTS if q != "q1"}},
                          answers={"q1": HOSTILE, "q3": HOSTILE}, errors=[HOSTILE]))  # fmt: skip
    return analyse("quiz6", items(QUIZ_POINTS), records, ungraded=("late",))


@pytest.fixture(scope="module")
def page(findings: Findings) -> str:
    return render_page(findings)


def test_student_text_is_escaped_everywhere(page: str) -> None:
    assert page.count("<script>") == 1  # the page's own
    assert "evil.example" in page  # it is shown...
    assert '<img src="https' not in page and "<script>alert" not in page  # ...but only as text


def test_the_page_needs_no_network(page: str) -> None:
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:;' in page
    images = re.findall(r"<img [^>]*>", page)
    assert images and all('src="data:image/png;base64,' in i for i in images)
    assert all(re.search(r'alt="[^"]{20,}"', i) for i in images)
    assert not re.search(r"(?:src|href)=\"(?!data:|#)", page)  # no other address to load


def test_every_question_has_its_section_and_the_definitions_are_stated(page: str, findings: Findings) -> None:
    for q in QUIZ_POINTS:
        assert f'id="q-{q}"' in page
    assert "corrected item-total correlation" in page and "It is not the upper-lower 27% index" in page
    assert "1 submission without a record yet" in page and "late" in page
    assert "Students with errors or timeouts" in page and "eve" in page


def test_options_of_choice_questions_are_shown(page: str, findings: Findings) -> None:
    q1 = next(q for q in findings.questions if q.item.question == "q1")
    assert q1.answers is not None and sum(o.chosen for o in q1.answers.options) == 40
    assert "Options of q1" in page and "Options of q2" in page and "Options of q3" not in page


def test_items_csv_has_the_columns_and_numbers_of_the_items(findings: Findings) -> None:
    rows = list(csv.DictReader(io.StringIO(items_csv(findings.items))))
    assert tuple(rows[0]) == COLUMNS
    for row, item in zip(rows, findings.items, strict=True):
        assert row["question"] == item.question
        assert float(row["difficulty"]) == pytest.approx(item.mean / item.max_score, abs=1e-6)
        assert float(row["discrimination"]) == pytest.approx(item.discrimination.value, abs=1e-6)
        assert int(row["students"]) == 41


def test_too_few_students_is_said_plainly() -> None:
    small = analyse("quiz6", items(QUIZ_POINTS), synthetic_quiz(4, seed=2))
    page = render_page(small)
    assert "With 4 students, there is too little data for discrimination" in page
    assert "too few students (4; it needs at least 10)" in page
    assert "No scatter plot" in page
    assert {row["discrimination"] for row in csv.DictReader(io.StringIO(items_csv(small.items)))} == {""}
