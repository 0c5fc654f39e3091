"""What unchanged fresh copies compute alike is worked out once; any change to a copy is seen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

from cnngrader.inspect import follow_model, total_parameters
from cnngrader.rebuild import fresh_copy, rebuild
from cnngrader.rebuild.copies import memoized, remember_origin


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(2 * 3 * 3, 1)
        self.spare = nn.Linear(4, 4)  # never used by forward

    def forward(self, x):
        return self.fc(self.pool(self.conv(x).relu()).flatten(1))


@pytest.fixture
def template(carry) -> nn.Module:
    return rebuild(carry(Small()))


def _copy(template: nn.Module) -> nn.Module:
    copy = fresh_copy(template)
    remember_origin(copy, template)
    return copy


def _counting(value: object) -> tuple[list[int], Callable[[], object]]:
    calls: list[int] = []

    def compute() -> object:
        calls.append(1)
        return value

    return calls, compute


def test_unchanged_copies_share_one_computation(template):
    calls, compute = _counting("steps")
    assert [memoized(_copy(template), "k", compute) for _ in range(3)] == ["steps"] * 3
    assert len(calls) == 1
    follow_model(_copy(template), (1, 6, 6))
    assert follow_model(_copy(template), (1, 6, 6)) is follow_model(_copy(template), (1, 6, 6))


def test_a_module_not_registered_is_always_computed(template):
    calls, compute = _counting(1)
    plain = fresh_copy(template)
    memoized(plain, "k", compute)
    memoized(plain, "k", compute)
    assert len(calls) == 2


CHANGES: dict[str, Callable[[nn.Module], object]] = {
    "weights in place": lambda m: torch.no_grad()(m.conv.weight.mul_)(2),
    "a new parameter": lambda m: setattr(m.fc, "weight", nn.Parameter(torch.zeros(1, 18))),
    "a replaced layer": lambda m: setattr(m, "pool", nn.AvgPool2d(2)),
    "a setting": lambda m: setattr(m.conv, "padding", (0, 0)),
    "frozen weights": lambda m: m.conv.weight.requires_grad_(False),
    "a hook": lambda m: m.conv.register_forward_hook(lambda *a: None),
    "another dtype": lambda m: m.double(),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_changed_copy_is_worked_out_anew(template, change):
    first = _copy(template)
    before = follow_model(first, (1, 6, 6))
    changed = _copy(template)
    CHANGES[change](changed)
    calls, compute = _counting(2)
    memoized(_copy(template), "k", compute)
    memoized(changed, "k", compute)
    assert len(calls) == 2, f"{change}: a changed copy must not reuse what an unchanged one found"
    assert follow_model(_copy(template), (1, 6, 6)) is before


def test_what_a_changed_copy_computes_is_its_own(template):
    assert total_parameters(_copy(template), used_only=True) == 2 * 9 + 2 + 18 + 1
    changed = _copy(template)
    changed.fc = nn.Linear(18, 3)
    assert total_parameters(changed, used_only=True) == 2 * 9 + 2 + 18 * 3 + 3
    assert follow_model(changed, (1, 6, 6)).steps[-1].shape == (3,)
    assert follow_model(_copy(template), (1, 6, 6)).steps[-1].shape == (1,)


def test_steps_do_not_depend_on_weight_values(template):
    """What is shared is about structure: weights changed behind torch's back (``.data``) change no step."""
    changed = _copy(template)
    changed.conv.weight.data.zero_()
    changed.fc.bias.data.fill_(7.0)
    fresh = fresh_copy(template)  # not registered: worked out from scratch
    fresh.conv.weight.data.zero_()
    fresh.fc.bias.data.fill_(7.0)
    assert follow_model(changed, (1, 6, 6)) == follow_model(fresh, (1, 6, 6)) == follow_model(
        fresh_copy(template), (1, 6, 6)
    )
