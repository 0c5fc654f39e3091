"""first_divergence: the first difference in the student's words, with a hint from the lecture."""

from __future__ import annotations

import cnn_spellings as spell
import pytest

from cnngrader.inspect import Step, first_divergence, follow_model, model_steps

INPUT = (1, 100, 100)


def steps(model_class: type) -> list[Step]:
    return list(follow_model(model_class(), INPUT).steps)


@pytest.fixture(scope="module")
def lecture() -> list[Step]:
    return model_steps(spell.Sequential(), INPUT)


def test_the_same_model_has_no_divergence(lecture: list[Step]) -> None:
    assert first_divergence(lecture, steps(spell.OwnWeights)) is None


def test_a_hyperparameter_names_step_values_shapes_and_the_padding_rule(lecture: list[Step]) -> None:
    message = first_divergence(lecture, steps(spell.NoPadding))
    assert message == (
        "step 4: expected conv 3->2 kernel 3 padding 1, found conv 3->2 kernel 3 padding 0 "
        "-> output 2x48x48 instead of 2x50x50. "
        "Hint: padding = kernel_size // 2 keeps the height and width unchanged (kernel 3: padding 1)"
    )


def test_a_missing_activation(lecture: list[Step]) -> None:
    assert first_divergence(lecture, steps(spell.MissingRelu)) == (
        "step 2: expected relu, found max pool 2 — is an activation missing?"
    )


def test_an_extra_step(lecture: list[Step]) -> None:
    message = first_divergence(lecture[:2], lecture[:1] + lecture[1:2] * 2)
    assert message == "step 3: found relu after the last expected step — is this relu extra?"


def test_a_model_that_ends_early(lecture: list[Step]) -> None:
    message = first_divergence(lecture, lecture[:-1])
    assert message is not None
    assert message.startswith(
        "step 8: expected linear 1250->1, found nothing more (the model ends after 7 steps)"
    )
    assert "is a linear layer missing?" in message


def test_avg_pool_is_not_max_pool(lecture: list[Step]) -> None:
    message = first_divergence(lecture, steps(spell.AvgPool))
    assert message is not None
    assert message.startswith("step 3: expected max pool 2, found avg pool 2")
    assert "AvgPool is not MaxPool" in message


def test_linear_in_features_hint_shows_the_flattened_size(lecture: list[Step]) -> None:
    message = first_divergence(lecture, steps(spell.WrongLinear))
    assert message is not None
    assert message.startswith("step 8: expected linear 1250->1, found linear 1000->1")
    assert "channels x height x width after flattening" in message
    assert "1250" in message


def test_hidden_configurations_reveal_no_expected_value(lecture: list[Step]) -> None:
    message = first_divergence(lecture, steps(spell.WrongLinear), reveal=False)
    assert message is not None
    assert "1250" not in message
    assert "step 8: linear 1000->1: its in_features is not what this model needs" in message


def test_by_kind_ignores_settings_but_not_order(lecture: list[Step]) -> None:
    assert first_divergence(lecture, steps(spell.AvgPool), by="kind") is None
    message = first_divergence(lecture, steps(spell.MissingRelu), by="kind")
    assert message == "step 2: expected an activation (relu), found max pool 2 — is an activation missing?"


def test_keys_limit_which_hyperparameters_count(lecture: list[Step]) -> None:
    convs = [s for s in lecture if s.kind == "conv"]
    found = [s for s in steps(spell.NoPadding) if s.kind == "conv"]
    assert first_divergence(convs, found, label="conv", keys=("in", "out", "kernel"), shapes=False) is None
    message = first_divergence(convs, found, label="conv", keys=("padding",), shapes=False)
    assert message is not None
    assert message.startswith("conv 2: expected conv 3->2 kernel 3 padding 1")


def test_start_numbers_the_steps(lecture: list[Step]) -> None:
    message = first_divergence([lecture[2]], [steps(spell.AvgPool)[2]], start=3)
    assert message is not None
    assert message.startswith("step 3: ")


def test_by_must_be_known(lecture: list[Step]) -> None:
    with pytest.raises(ValueError, match="by must be"):
        first_divergence(lecture, lecture, by="shape")
