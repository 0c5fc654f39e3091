"""What the judge keeps of an answer, and records with and without answers (old ones still load)."""

from __future__ import annotations

import json

import pytest
import torch

from cnngrader.batch.state import Record
from cnngrader.judge.recorded import MAX_ANSWER_CHARS, recorded_answer
from cnngrader.results import Result

from .kit import record


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("C", "C"),
        (84, 84),
        (2.5, 2.5),
        (None, None),
        ((1, 1, 96, 96), [1, 1, 96, 96]),
        (frozenset({"D", "C"}), ["C", "D"]),
        ({"a": (1, 2)}, {"a": [1, 2]}),
        (torch.tensor([[7.0, 9.0], [8.0, 4.0]]), [[7.0, 9.0], [8.0, 4.0]]),
        (torch.tensor(3), 3),
        (float("nan"), "nan"),
    ],
)
def test_answers_are_kept_as_plain_json(value: object, kept: object) -> None:
    assert recorded_answer(value) == kept
    json.dumps(recorded_answer(value), allow_nan=False)


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (torch.zeros(100, 100), "a tensor of shape (100, 100)"),
        ("x" * 1000, "a str of 1,002 characters as JSON"),
        (list(range(500)), "a list of "),
        (object(), "object"),
    ],
)
def test_large_or_unreadable_answers_are_only_described(value: object, what: str) -> None:
    kept = recorded_answer(value)
    assert set(kept) == {"omitted"} and kept["omitted"].startswith(what)
    assert len(json.dumps(kept)) <= MAX_ANSWER_CHARS


def test_a_result_round_trips_its_answers_and_old_records_have_none() -> None:
    new = record("ann", {"q1": 1.0}, answers={"q1": "C"})
    again = Record.from_dict(json.loads(json.dumps(new.to_dict())))
    assert again.result.answers == {"q1": "C"}

    old = new.to_dict()
    del old["result"]["answers"]
    loaded = Record.from_dict(old)
    assert loaded.result.answers is None and "answers" not in loaded.result.to_dict()
    assert loaded.result.extra == {}


def test_an_empty_answer_set_is_kept_as_such() -> None:
    result = record("ann", {"q1": 0.0}, answers={}).result
    assert result.to_dict()["answers"] == {} and Result.from_dict(result.to_dict()).answers == {}
