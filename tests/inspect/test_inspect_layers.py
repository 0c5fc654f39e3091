"""References in words, and error carried forward: a layer judged on what really comes into it."""

from __future__ import annotations

import cnn_spellings as spell
import pytest
import torch
from torch import nn

from cnngrader.inspect import carried, first_divergence, follow_model, model_steps, steps_from_words

INPUT = (1, 100, 100)
LECTURE_WORDS = """
conv 1->3 kernel 3 padding 1 -> 3x100x100
relu
max pool 2 -> 3x50x50
conv 3->2 kernel 3 padding 1 -> 2x50x50
relu
max pool 2 -> 2x25x25
flatten -> 1250
linear 1250->1 -> 1
"""


def test_the_lecture_cnn_in_words_is_the_lecture_cnn() -> None:
    assert steps_from_words(LECTURE_WORDS, INPUT) == model_steps(spell.Sequential(), INPUT)


def test_words_still_follow_where_a_notebook_replaced_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile notebook swaps ``nn.Module.parameters``/``named_parameters`` for its own CPU tensor:
    the reference in words still runs on meta tensors (a CPU input made it fail at its Linear,
    after importing torch._dynamo, over a second of the student's check cell)."""
    expected = steps_from_words(LECTURE_WORDS, INPUT)
    fake = nn.Parameter(torch.zeros(1337))
    monkeypatch.setattr(nn.Module, "parameters", lambda self, recurse=True: iter([fake]))
    monkeypatch.setattr(nn.Module, "named_parameters", lambda self, *a, **k: iter([("weight", fake)]))
    found = steps_from_words(LECTURE_WORDS, INPUT)  # (its parameter counts are the notebook's to fake)
    assert [(s.op, s.shape) for s in found] == [(s.op, s.shape) for s in expected]


@pytest.mark.parametrize(
    ("words", "shape", "described"),
    [
        ("conv 3->8 kernel 5", (3, 9, 9), "conv 3->8 kernel 5 padding 0"),
        ("conv 3->8 kernel 3x5 stride 2 padding 1 dilation 2 no bias", (3, 9, 9), None),
        ("max pool 3 stride 1 padding 1", (3, 9, 9), None),
        ("avg pool 2 ceil mode", (3, 7, 7), None),
        ("adaptive avg pool to 3", (3, 7, 7), None),
        ("adaptive avg pool to 1", (3, 7, 7), "avg pool 7"),  # the same computation, said one way
        ("linear 12->4 no bias", (12,), None),
        ("leaky relu slope 0.2", (12,), None),
        ("batch norm 3", (3, 7, 7), None),
        ("batch norm 12", (12,), None),
        ("dropout p=0.25", (12,), None),
        ("sigmoid", (12,), None),
    ],
)
def test_words_read_back_as_the_step_they_describe(
    words: str, shape: tuple[int, ...], described: str | None
) -> None:
    (step,) = steps_from_words(words, shape)
    assert step.describe() == (described or words)


def test_a_wrong_shape_in_a_reference_is_caught() -> None:
    with pytest.raises(ValueError, match=r"line 1 \(conv 1->3 kernel 3\) outputs 3x98x98, not 3x100x100"):
        steps_from_words("conv 1->3 kernel 3 -> 3x100x100", INPUT)


def test_unknown_words_say_which_line() -> None:
    with pytest.raises(ValueError, match="line 2"):
        steps_from_words("relu\nconvolution please", INPUT)


def test_a_carried_step_takes_the_channels_and_features_that_come_in() -> None:
    conv, linear = steps_from_words("conv 3->2 kernel 3 padding 1\nflatten\nlinear 1250->1", (3, 25, 25))[::2]
    assert carried(conv, (4, 49, 49)).describe() == "conv 4->2 kernel 3 padding 1"
    assert carried(conv, (4, 49, 49)).shape == (2, 49, 49)
    assert carried(linear, (1058,)).describe() == "linear 1058->1"
    assert carried(linear, (1058,)).parameters == 1059
    assert carried(linear, None) == linear


def test_torch_agrees_with_a_carried_step() -> None:
    (conv,) = steps_from_words("conv 3->2 kernel 3 padding 1", (3, 9, 9))
    real = nn.Conv2d(5, 2, 3, padding=1)
    assert carried(conv, (5, 11, 7)).shape == tuple(real(torch.zeros(1, 5, 11, 7)).shape[1:])
    assert carried(conv, (5, 11, 7)).parameters == sum(p.numel() for p in real.parameters())


def test_error_carried_forward_reports_one_mistake_once() -> None:
    lecture = steps_from_words(LECTURE_WORDS, INPUT)
    found = follow_model(spell.NoPadding(), INPUT).steps  # conv 2 without padding, Linear made to fit
    linear = [s for s in found if s.op == "linear"]
    expected_linear = [s for s in lecture if s.op == "linear"]
    assert first_divergence(expected_linear, linear, label="linear") is not None  # 1250 expected
    assert first_divergence(expected_linear, linear, label="linear", carry=True) is None  # its own size


def test_error_carried_forward_still_sees_the_layers_own_mistake() -> None:
    lecture = steps_from_words(LECTURE_WORDS, INPUT)
    model = spell.Sequential()
    model.main[7] = nn.Linear(5000, 1)  # 1250 values come in: the Linear itself is wrong
    found = follow_model(model, INPUT).steps
    message = first_divergence(
        [s for s in lecture if s.op == "linear"], [s for s in found if s.op == "linear"],
        label="linear", carry=True, shapes=False,
    )  # fmt: skip
    assert message is not None
    assert message.startswith("linear 1: expected linear 1250->1, found linear 5000->1")
