"""Test outcomes and failure messages grouped by kind, from hand-made records."""

from __future__ import annotations

import pytest

from cnngrader.analysis.failures import message_groups, message_kinds, pattern, test_stats
from cnngrader.results import Outcome

from .kit import record

OK, BAD, ERR, NA = Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.NOT_ATTEMPTED

# Messages of the real lab6 hidden tests for the same mistake, with different hidden inputs.
OFF_BY_ONE = [
    "conv_output_size(8, 2) returned 6, not the size nn.Conv2d produces. Hint: off by one",
    "conv_output_size(31, 6, stride=3) returned 8, not the size nn.Conv2d produces. Hint: off by one",
    "conv_output_size(36, 11, stride=1, padding=5) returned 35, not the size nn.Conv2d produces. "
    "Hint: off by one",
]
PARAMETERS = [
    "expected 1,337 parameters, found 1,145 (conv 1->3 kernel 3 padding 0: 30, linear 1058->1: 1,059)",
    "expected 1,337 parameters, found 20,087 (conv 1->3 kernel 3 padding 1: 30, linear 20000->1: 20,001)",
]


@pytest.mark.parametrize("messages", [OFF_BY_ONE, PARAMETERS])
def test_messages_that_differ_only_in_numbers_or_arguments_share_a_pattern(messages: list[str]) -> None:
    assert len({pattern(m) for m in messages}) == 1


def test_patterns_keep_names_words_and_letters() -> None:
    assert pattern("conv2d_single(<5x5 image>) gave 3x98x98 in lab6") == "conv2d_single(…) gave #x#x# in lab6"
    assert pattern("q1 = 'A' is not the right answer") != pattern("q1 = 'B' is not the right answer")
    assert pattern("step 4: expected max pool 2, found avg pool 2") != pattern("step 4: expected relu")


def test_test_stats_count_outcomes_per_test_in_suite_order() -> None:
    def tests(first: Outcome, second: Outcome) -> list[tuple[str, float, float, Outcome, str]]:
        return [
            ("shape", float(first is OK), 1, first, ""),
            ("values", 2 * float(second is OK), 2, second, ""),
        ]

    records = [record("a", {"q": tests(OK, OK)}), record("b", {"q": tests(BAD, ERR)}),
               record("c", {"q": tests(OK, NA)}), record("d", {"q": []})]  # fmt: skip
    shape, values = test_stats(records, "q")
    assert (shape.name, shape.ran, shape.count(OK), shape.count(BAD)) == ("shape", 3, 2, 1)
    assert values.max_score == 2 and values.count(ERR) == 1 and values.count(NA) == 1
    assert shape.failure_rate == pytest.approx(1 / 3) and values.failure_rate == pytest.approx(2 / 3)


def test_message_groups_count_students_and_times_most_students_first() -> None:
    records = [
        record("ann", {"q": [("t1", 0, 1, BAD, OFF_BY_ONE[0]), ("t2", 0, 1, BAD, OFF_BY_ONE[1])]}),
        record("bob", {"q": [("t1", 0, 1, BAD, OFF_BY_ONE[2]), ("t2", 1, 1, OK, "")]}),
        record("cyd", {"q": [("t1", 0, 1, ERR, "conv_output_size(3, 1) raised ZeroDivisionError"),
                             ("t2", 0, 1, ERR, "conv_output_size(9, 2) raised ZeroDivisionError")]}),
        record("dee", {"q": [("t1", 1, 1, OK, ""), ("t2", 1, 1, OK, "")]}),
    ]  # fmt: skip
    first, second = message_groups(records, "q")
    assert (first.students, first.times, first.variants, first.tests) == (2, 3, 3, ("t1", "t2"))
    assert first.example in OFF_BY_ONE and first.outcome is BAD
    assert (second.students, second.times, second.outcome) == (1, 2, ERR)
    assert message_kinds(records, "q") == 2
    assert message_groups(records, "q", top=1) == [first]
