"""model_steps on models rebuilt by the trusted side reads exactly as on the live student models."""

from __future__ import annotations

import json

import cnn_spellings as spell
import pytest
from torch import nn

from cnngrader.confine.child.describe import describe_model
from cnngrader.confine.shared.wire import tensors_from_bytes, tensors_to_bytes
from cnngrader.inspect import follow_model
from cnngrader.rebuild import ModelDescription, rebuild

INPUT = (1, 100, 100)
MISTAKES = (spell.NoPadding, spell.MissingRelu, spell.AvgPool, spell.WrongLinear)


def rebuilt(model: nn.Module) -> nn.Module:
    """Described as the confined child would, carried as bytes, rebuilt from the whitelist."""
    description, tensors = describe_model(model)
    carried = ModelDescription.from_json(
        json.loads(json.dumps(description)), tensors_from_bytes(tensors_to_bytes(tensors))
    )
    return rebuild(carried)


@pytest.mark.parametrize("model_class", spell.SPELLINGS + MISTAKES, ids=lambda c: c.__name__)
def test_rebuilt_models_read_like_the_live_ones(model_class: type[nn.Module]) -> None:
    live = model_class()
    assert follow_model(rebuilt(live), INPUT) == follow_model(live, INPUT)
