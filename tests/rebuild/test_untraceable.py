"""A forward torch.fx cannot follow: its parameters still count, anything that runs it says why."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from cnngrader.confine.child.describe import describe_model
from cnngrader.inspect import follow_model, total_parameters
from cnngrader.rebuild import DescriptionError, ModelDescription, rebuild
from cnngrader.testing import StudentError


class ZerosOfBatch(nn.Module):
    """The lecture's layers, and a forward that fx cannot trace (torch.zeros of a traced size)."""

    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.Linear(4, 2))
        self.frozen = nn.Parameter(torch.ones(5), requires_grad=False)
        self.register_buffer("count", torch.zeros(1))

    def forward(self, x):
        return torch.zeros(x.shape[0], 1)


def test_the_parameters_are_the_students_and_running_it_says_why(carry):
    student = ZerosOfBatch()
    model = rebuild(carry(student))
    assert total_parameters(model) == total_parameters(student)
    assert total_parameters(model, trainable_only=True) == total_parameters(student, trainable_only=True)
    assert torch.equal(model.get_parameter("main.0.weight"), student.main[0].weight)
    with pytest.raises(StudentError, match=r"could not follow ZerosOfBatch\.forward \(TypeError"):
        model(torch.randn(2, 1, 4, 4))
    with pytest.raises(StudentError, match=r"could not follow ZerosOfBatch\.forward \(TypeError"):
        follow_model(model, (1, 4, 4))


@pytest.mark.parametrize("change", [
    {"nodes": [{"name": "x", "op": "placeholder", "target": "x", "args": [], "kwargs": []}]},
    {"layers": {"main.0": {"type": "torch.nn.modules.conv.Conv2d", "settings": {}}}},
    {"untraceable": 3},
    {"untraceable": "x" * 1000},
])
def test_a_description_without_a_graph_may_carry_nothing_else(change):
    description, tensors = describe_model(ZerosOfBatch())
    data = {**json.loads(json.dumps(description)), **change}
    with pytest.raises(DescriptionError):
        ModelDescription.from_json(data, tensors)
