"""Child side: models as a graph over torch layers, with targets named as a student writes them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.describe import DescribeError, describe_model


class Spellings(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding="same")
        self.seq = nn.Sequential(nn.ReLU(), nn.MaxPool2d(2))

    def forward(self, x):
        x = F.relu(self.conv(x)) + torch.relu(x) + x.relu()
        x = self.seq(x)
        return x.reshape(len(x), -1) + torch.tensor(1.0)


def targets(description):
    return [(n["op"], n["target"]) for n in description["nodes"]]


def test_layers_are_leaves_and_containers_are_traced_through():
    description, _ = describe_model(Spellings())
    calls = [t for op, t in targets(description) if op == "call_module"]
    assert calls == ["conv", "seq.0", "seq.1"]
    assert description["layers"]["conv"]["type"] == "torch.nn.modules.conv.Conv2d"
    assert description["layers"]["conv"]["settings"]["padding"] == "same"
    assert description["layers"]["seq.1"]["settings"]["kernel_size"] == 2


def test_function_targets_have_public_names_and_len_is_recorded():
    description, _ = describe_model(Spellings())
    functions = [t for op, t in targets(description) if op == "call_function"]
    assert functions[:3] == ["torch.nn.functional.relu", "torch.relu", "operator.add"]
    assert "len" in functions
    assert ("call_method", "relu") in targets(description)


def test_tensors_and_flags_are_listed():
    model = Spellings()
    model.conv.bias.requires_grad_(False)
    description, tensors = describe_model(model)
    bias = description["parameters"]["conv.bias"]
    assert bias == {"shape": [2], "dtype": "float32", "requires_grad": False}
    assert set(tensors) == {"conv.weight", "conv.bias", "_tensor_constant0"}
    assert description["constants"] == {"_tensor_constant0": {"shape": [], "dtype": "float32"}}


def test_values_that_are_not_data_are_refused():
    class NumpyShape(nn.Module):
        def forward(self, x):
            return x.view(np.int64(2), -1)

    with pytest.raises(DescribeError, match="int64"):
        describe_model(NumpyShape())
