"""Child side: student values become plain data, or say which type cannot be graded."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnngrader.confine.child.describe import Unsendable, to_plain


@pytest.mark.parametrize(("value", "plain"), [
    (np.int64(84), 84), (np.float32(0.5), 0.5), (np.bool_(True), True),
    (torch.Size([1, 1, 96, 96]), (1, 1, 96, 96)),
    ([np.int32(7), (np.float64(1.5),)], [7, (1.5,)]), ({"k": {np.int8(1)}}, {"k": {1}}),
    (frozenset({"A"}), frozenset({"A"})), (True, True), (None, None),
])
def test_numbers_and_containers_become_builtins(value, plain):
    got = to_plain(value)
    assert got == plain and type(got) is type(plain)


def test_arrays_and_parameters_become_plain_tensors():
    array = to_plain(np.arange(6).reshape(2, 3))
    assert torch.equal(array, torch.arange(6).reshape(2, 3))
    param = to_plain(torch.nn.Parameter(torch.ones(2)))
    assert type(param) is torch.Tensor and not param.requires_grad


def test_subclasses_of_builtins_are_unwrapped():
    class Sneaky(int):
        def __eq__(self, other):
            return True

    value = to_plain(Sneaky(3))
    assert type(value) is int and value == 3


@pytest.mark.parametrize("value", [object(), len, np.array(["a"], dtype=object), 1j])
def test_other_values_are_unsendable(value):
    with pytest.raises(Unsendable):
        to_plain(value)
