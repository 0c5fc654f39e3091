"""A worker's skeletons: a structure rebuilt once, later models of it built with their own weights."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnngrader.rebuild import rebuild
from cnngrader.rebuild.skeletons import Skeletons, structure_key
from cnngrader.testing import StudentError


class Net(nn.Module):
    def __init__(self, padding: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=padding)
        self.norm = nn.BatchNorm2d(2)
        self.frozen = nn.Parameter(torch.ones(3), requires_grad=False)
        side = 4 + 2 * padding - 2  # of a 4x4 image
        self.fc = nn.Linear(2 * side * side, 1)

    def forward(self, x):
        return self.fc(self.norm(self.conv(x)).relu().flatten(1))


def _same(a: nn.Module, b: nn.Module) -> None:
    assert type(a).__name__ == type(b).__name__
    assert a.state_dict().keys() == b.state_dict().keys()
    assert all(torch.equal(a.state_dict()[k], b.state_dict()[k]) for k in a.state_dict())
    assert [(n, p.requires_grad) for n, p in a.named_parameters()] == [
        (n, p.requires_grad) for n, p in b.named_parameters()
    ]
    assert [m.training for m in a.modules()] == [m.training for m in b.modules()]
    x = torch.randn(2, 1, 4, 4)
    with torch.no_grad():
        assert torch.equal(a.eval()(x), b.eval()(x))


def test_a_known_structure_gets_the_new_models_weights(carry):
    skeletons = Skeletons()
    first, second, third = carry(Net()), carry(Net()), carry(Net())
    assert structure_key(first) == structure_key(second) == structure_key(third)
    built, _ = skeletons.rebuild(first)
    again, sizes = skeletons.rebuild(second)
    last, sizes_again = skeletons.rebuild(third)
    assert len(skeletons) == 1 and sizes is sizes_again is not None
    _same(built, rebuild(first))
    _same(again, rebuild(second))
    _same(last, rebuild(third))
    assert not torch.equal(again.conv.weight, built.conv.weight), "the second model keeps its own weights"
    assert not torch.equal(last.conv.weight, again.conv.weight), "a model from the skeleton has its own"


def test_a_structure_seen_once_is_not_kept(carry):
    """Hidden inputs drawn at random make structures that never come back: they take no memory."""
    skeletons = Skeletons()
    for padding in (0, 1, 2):
        description = carry(Net(padding=padding))
        built, sizes = skeletons.rebuild(description)
        assert sizes is not None
        _same(built, rebuild(description))
    assert len(skeletons) == 0
    skeletons.rebuild(carry(Net(padding=1)))
    assert len(skeletons) == 1, "the second time, the structure is kept"


def test_flags_and_modes_are_part_of_the_structure(carry):
    skeletons = Skeletons()
    plain = Net()
    frozen = Net()
    frozen.conv.weight.requires_grad_(False)
    evaluating = Net().eval()
    for model in (plain, frozen, evaluating, Net(padding=0)) * 2:
        skeletons.rebuild(carry(model))
    assert len(skeletons) == 4
    built, _ = skeletons.rebuild(carry(frozen))
    assert not built.conv.weight.requires_grad and built.conv.bias.requires_grad


def test_a_structure_that_cannot_be_rebuilt_is_not_kept(carry):
    skeletons = Skeletons()
    description = carry(nn.Sequential(nn.Upsample(scale_factor=2)))
    for _ in range(2):
        with pytest.raises(StudentError, match="not supported"):
            skeletons.rebuild(description)
    assert len(skeletons) == 0


def test_the_size_check_is_answered_once_per_structure_and_input(carry, monkeypatch):
    skeletons = Skeletons(max_elements=10)  # every step of Net on a 4x4 image is larger
    skeletons.rebuild(carry(Net()))
    _, sizes = skeletons.rebuild(carry(Net()))
    assert sizes is not None
    runs = []
    original = sizes._find
    monkeypatch.setattr(sizes, "_find", lambda signature: runs.append(signature) or original(signature))
    signature = (((2, 1, 4, 4), torch.float32),)
    for _ in range(2):
        with pytest.raises(StudentError, match="more than the grader allows"):
            sizes.check(signature)
    assert len(runs) == 1


def test_the_least_recently_used_structure_leaves_first(carry):
    skeletons = Skeletons(capacity=2)
    a, b, c = (carry(Net(padding=p)) for p in (0, 1, 2))
    for description in (a, a, b, b, a, c, c):  # each kept the second time it comes
        skeletons.rebuild(description)
    assert len(skeletons) == 2
    kept = set(skeletons._kept)
    assert structure_key(a) in kept and structure_key(c) in kept and structure_key(b) not in kept


def test_an_untraceable_model_has_no_size_check(carry):
    class Branching(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x) if x.sum() > 0 else x

    module, sizes = Skeletons().rebuild(carry(Branching()))
    assert sizes is None
    assert sum(p.numel() for p in module.parameters()) == 6
