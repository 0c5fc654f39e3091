"""The forgiving answer readers: every form a person would accept, and form-only messages otherwise."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnngrader.answers import as_int, as_letter, as_letters, as_nested, as_shape, as_tensor


@pytest.mark.parametrize(
    "value", [84, 84.0, np.int64(84), np.float32(84.0), np.array(84), torch.tensor(84), torch.tensor(84.0)]
)
def test_as_int_takes_any_number_equal_to_the_integer(value: object) -> None:
    assert as_int(value, "q3") == 84
    assert type(as_int(value, "q3")) is int


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("84", "whole number"),
        (True, "whole number"),
        (None, "NoneType"),
        (84.5, "found 84.5"),
        (float("nan"), "whole number"),
        (torch.tensor([84]), "tensor of shape (1,)"),
        ([84], "list"),
    ],
)
def test_as_int_refuses_other_forms(value: object, words: str) -> None:
    with pytest.raises(AssertionError, match="q3 should be a whole number") as caught:
        as_int(value, "q3")
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "value",
    [
        (1, 1, 96, 96),
        [1, 1, 96, 96],
        torch.Size([1, 1, 96, 96]),
        (1.0, 1, np.int64(96), 96.0),
        torch.tensor([1, 1, 96, 96]),
        torch.tensor([1.0, 1.0, 96.0, 96.0]),
        np.array([1, 1, 96, 96]),
    ],
)
def test_as_shape_takes_tuples_lists_sizes_and_1d_tensors(value: object) -> None:
    assert as_shape(value, "q4") == (1, 1, 96, 96)


@pytest.mark.parametrize(
    "value",
    [
        "(1, 1, 96, 96)",
        96,
        torch.tensor(96),
        torch.tensor([[1, 1], [96, 96]]),
        torch.tensor([True, False]),
        torch.tensor([1.5, 2.0]),
        (1, 1.5),
        ("1", 2),
    ],
)
def test_as_shape_refuses_other_forms(value: object) -> None:
    with pytest.raises(AssertionError, match="q4 should"):
        as_shape(value, "q4")


@pytest.mark.parametrize("value", ["C", "c", " c ", "\tC\n", "(C)", "(c)", " ( C ) ", "C)", "[c]"])
def test_as_letter_is_case_insensitive_stripped_and_bracketed(value: str) -> None:
    assert as_letter(value, "q1") == "C"


@pytest.mark.parametrize("value", ["CD", "", "3", 3, ["C"], None, "()", "(CD)", "((C))", "C."])
def test_as_letter_refuses_anything_but_one_letter(value: object) -> None:
    with pytest.raises(AssertionError, match="q1 should be one letter"):
        as_letter(value, "q1")


@pytest.mark.parametrize(
    ("value", "letters"),
    [
        ({"C"}, {"C"}),
        (frozenset({"c"}), {"C"}),
        (["c"], {"C"}),
        (("C", " e"), {"C", "E"}),
        ("C", {"C"}),
        ("c", {"C"}),
        ("C, E", {"C", "E"}),
        ("ce", {"C", "E"}),
        ("c;e", {"C", "E"}),
        ("(C)", {"C"}),
        ("(c), (e)", {"C", "E"}),
        (["(C)", "e"], {"C", "E"}),
        ("", set()),
        (set(), set()),
    ],
)
def test_as_letters_takes_sets_lists_tuples_and_strings(value: object, letters: set[str]) -> None:
    assert as_letters(value, "q2") == frozenset(letters)


@pytest.mark.parametrize("value", ["C1", 3, ["CE"], [3], None, {"C": 1}])
def test_as_letters_refuses_other_forms(value: object) -> None:
    with pytest.raises(AssertionError, match=r"q2 should be|every letter in q2"):
        as_letters(value, "q2")


@pytest.mark.parametrize(
    "value",
    [
        [[7, 9], [8, 4]],
        ((7, 9), (8, 4)),
        [[7.0, 9.0], [8.0, 4.0]],
        np.array([[7, 9], [8, 4]]),
        torch.tensor([[7, 9], [8, 4]]),
        torch.tensor([[7.0, 9.0], [8.0, 4.0]], requires_grad=True),
        [[np.int64(7), 9], [8, torch.tensor(4)]],
    ],
)
def test_as_tensor_takes_grids_in_any_container(value: object) -> None:
    found = as_tensor(value, "q8")
    assert found.dtype == torch.float64
    assert torch.equal(found, torch.tensor([[7.0, 9.0], [8.0, 4.0]], dtype=torch.float64))
    assert as_nested(value, "q8") == [[7.0, 9.0], [8.0, 4.0]]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ([[7, 9], [8]], "rectangular"),
        ("[[7, 9], [8, 4]]", "tensor or a nested list"),
        ([["7", 9]], "tensor or a nested list"),
        (torch.tensor([True]), "real numbers"),
        (None, "tensor or a nested list"),
    ],
)
def test_as_tensor_refuses_other_forms(value: object, words: str) -> None:
    with pytest.raises(AssertionError, match="q8 should") as caught:
        as_tensor(value, "q8")
    assert words in str(caught.value)


def test_messages_abridge_long_values() -> None:
    with pytest.raises(AssertionError) as caught:
        as_int("x" * 500, "q3")
    assert len(str(caught.value)) < 200
