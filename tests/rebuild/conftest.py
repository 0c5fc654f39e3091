"""Describe a model in-process (as the child would), carry it as JSON + safetensors, validate it."""

from __future__ import annotations

import json

import pytest
from torch import nn

from cnngrader.confine.child.describe import describe_model
from cnngrader.confine.shared.wire import tensors_from_bytes, tensors_to_bytes
from cnngrader.rebuild import ModelDescription


def carried(model: nn.Module) -> ModelDescription:
    """What the trusted side receives for ``model``: only bytes went between the two."""
    description, tensors = describe_model(model)
    return ModelDescription.from_json(json.loads(json.dumps(description)),
                                      tensors_from_bytes(tensors_to_bytes(tensors)))


@pytest.fixture
def carry():
    return carried
