"""Child side: models as a graph over torch layers, with targets named as a student writes them."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.confine.child.describe import describe_model


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


def test_values_that_are_not_data_leave_only_the_tensors():
    class NumpyShape(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 2)

        def forward(self, x):
            return self.fc(x).view(np.int64(2), -1)

    description, tensors = describe_model(NumpyShape())
    assert "int64" in description["untraceable"]
    assert description["nodes"] == [] and description["layers"] == {}
    assert sorted(tensors) == ["fc.bias", "fc.weight"]


def test_a_forward_fx_cannot_follow_still_describes_its_parameters():
    class ZerosOfBatch(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 3, 3)

        def forward(self, x):
            return torch.zeros(x.shape[0], 1)

    description, tensors = describe_model(ZerosOfBatch())
    assert description["untraceable"].startswith("TypeError")
    assert {n: s["shape"] for n, s in description["parameters"].items()} == {
        "conv.weight": [3, 1, 3, 3], "conv.bias": [3]}
    assert set(tensors) == {"conv.weight", "conv.bias"}

