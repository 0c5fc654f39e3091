"""Anything outside the whitelist is refused with a message; hostile descriptions never execute."""

from __future__ import annotations

import copy
import json

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.confine.child.describe import describe_model
from cnngrader.rebuild import DescriptionError, ModelDescription, rebuild
from cnngrader.rebuild.description import MAX_NODES
from cnngrader.testing import StudentError


class Upsampler(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2)

    def forward(self, x):
        return self.up(x)


class Erf(nn.Module):
    def forward(self, x):
        return torch.special.erf(x)


class Expands(nn.Module):
    def forward(self, x):
        return x.expand(4, -1)


class ReadsGrad(nn.Module):
    def forward(self, x):
        return x * x.requires_grad


@pytest.mark.parametrize(("model", "message"), [
    (Upsampler(), "layer nn.Upsample is not supported by the grader"),
    (Erf(), "operation `torch.special.erf` is not supported by the grader"),
    (Expands(), "method `.expand()` is not supported by the grader"),
    (ReadsGrad(), "attribute `.requires_grad` of a tensor is not supported by the grader"),
])
def test_unsupported_things_are_named(carry, model, message):
    with pytest.raises(StudentError) as caught:
        rebuild(carry(model))
    assert str(caught.value) == message


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return F.relu(self.conv(x)).softmax(dim=1)


def raw():
    description, tensors = describe_model(Small())
    return json.loads(json.dumps(description)), tensors


def node(description, op):
    return next(n for n in description["nodes"] if n["op"] == op)


def set_conv_settings(d, **changes):
    d["layers"]["conv"]["settings"].update(changes)


def tamper_name(d):
    d["nodes"][1]["name"] = "x; import os"


def tamper_forward_reference(d):
    d["nodes"][1]["args"] = {"$tuple": [{"$node": "output"}]}


def tamper_class_name(d):
    d["class_name"] = "A(nn.Module):\n    import os"


def tamper_undeclared_attribute(d):
    d["nodes"].insert(1, {"name": "w", "op": "get_attr", "target": "secret", "args": {"$tuple": []},
                          "kwargs": {}})


def tamper_size(d):
    d["nodes"] = d["nodes"][:1] * (MAX_NODES + 1)


def tamper_no_output(d):
    d["nodes"] = d["nodes"][:-1]


def tamper_weights_shape(d):
    d["parameters"]["conv.weight"]["shape"] = [2, 1, 5, 5]


@pytest.mark.parametrize("tamper", [tamper_name, tamper_forward_reference, tamper_class_name,
                                    tamper_undeclared_attribute, tamper_size, tamper_no_output,
                                    tamper_weights_shape])
def test_malformed_descriptions_are_refused(tamper):
    description, tensors = raw()
    tamper(description)
    with pytest.raises(DescriptionError):
        ModelDescription.from_json(description, tensors)


def test_extra_or_missing_weights_are_refused():
    description, tensors = raw()
    with pytest.raises(DescriptionError):
        ModelDescription.from_json(description, {**tensors, "extra": torch.zeros(1)})
    with pytest.raises(DescriptionError):
        ModelDescription.from_json(description, {k: v for k, v in tensors.items() if k != "conv.bias"})


@pytest.mark.parametrize(("change", "message"), [
    ({"in_channels": 10**6}, "does not match its weights"),
    ({"kernel_size": "3; import os"}, "unexpected setting"),
    ({"evil": 1}, "unexpected setting evil=1"),
])
def test_layer_settings_are_checked_without_allocating(change, message):
    description, tensors = raw()
    set_conv_settings(description, **change)
    with pytest.raises(StudentError, match=message):
        rebuild(ModelDescription.from_json(description, tensors))


def test_a_function_outside_the_whitelist_is_never_resolved():
    description, tensors = raw()
    node(description, "call_function")["target"] = "os.system"
    with pytest.raises(StudentError, match=r"operation `os\.system` is not supported"):
        rebuild(ModelDescription.from_json(description, tensors))


def test_a_dunder_method_is_not_a_method():
    description, tensors = raw()
    node(description, "call_method")["target"] = "__class__"
    with pytest.raises(StudentError, match=r"method `\.__class__"):
        rebuild(ModelDescription.from_json(description, tensors))


def test_strings_in_arguments_stay_strings(tmp_path):
    marker = tmp_path / "fired"
    description, tensors = raw()
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    node(description, "call_method")["kwargs"]["dim"] = f"'); {payload}; ('"
    model = rebuild(ModelDescription.from_json(description, tensors))
    with pytest.raises(TypeError):
        model(torch.randn(1, 1, 5, 5))
    assert not marker.exists()


def test_descriptions_are_records():
    description, tensors = raw()
    first = ModelDescription.from_json(description, tensors)
    again = ModelDescription.from_json(copy.deepcopy(description), tensors)
    assert first == again and first.parameter_count == 20
    with pytest.raises(AttributeError):
        first.class_name = "Other"  # type: ignore[misc]
