"""Fresh copies of a rebuilt model: the same computation and flags, nothing mutable shared."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.rebuild import fresh_copy, rebuild
from cnngrader.rebuild.copies import shareable


class Mixed(nn.Module):
    """Layers, functional calls, a tied layer, a constant tensor, an unused parameter, batch norm."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU())
        self.shared = nn.Linear(12, 12)
        self.head = nn.Linear(12, 2)
        self.scale = torch.tensor(0.5)  # a plain attribute: fx's constant, never in the state_dict
        self.unused = nn.Parameter(torch.ones(5), requires_grad=False)
        self.register_buffer("offset", torch.full((2,), 0.25))

    def forward(self, x):
        x = F.max_pool2d(self.features(x), 2).flatten(1)
        x = self.shared(self.shared(x).relu())  # the same layer twice
        return self.head(x) * self.scale + self.offset


def _pair(carry, model: nn.Module) -> tuple[nn.Module, nn.Module]:
    template = rebuild(carry(model))
    return template, fresh_copy(template)


def test_a_copy_computes_what_the_template_computes(carry):
    template, copy = _pair(carry, Mixed().eval())
    x = torch.randn(3, 1, 4, 4)
    with torch.no_grad():
        assert torch.equal(copy(x), template(x))
    assert type(copy).__name__ == type(template).__name__ == "Mixed"
    assert type(copy) is not type(template), "each copy needs a class of its own (fx recompiles per class)"


def test_a_copy_keeps_names_flags_and_what_the_state_dict_holds(carry):
    student = Mixed()
    student.features[1].eval()  # a layer's own mode, unlike its model's
    template, copy = _pair(carry, student)
    assert list(copy.state_dict()) == list(template.state_dict())
    assert {n: p.requires_grad for n, p in copy.named_parameters()} == {
        n: p.requires_grad for n, p in template.named_parameters()
    }
    assert dict(copy.named_parameters()).keys() >= {"unused"}
    assert [m.training for m in copy.modules()] == [m.training for m in template.modules()]
    assert sum(p.numel() for p in copy.parameters()) == sum(p.numel() for p in template.parameters())


def test_changing_a_copy_leaves_the_template_and_other_copies_alone(carry):
    template, first = _pair(carry, Mixed())
    second = fresh_copy(template)
    before = {k: v.clone() for k, v in template.state_dict().items()}
    with torch.no_grad():
        for p in first.parameters():
            p.add_(1.0)
    first.train()
    first(torch.randn(2, 1, 4, 4)).sum().backward()  # batch norm statistics move, grads appear
    assert all(torch.equal(v, before[k]) for k, v in template.state_dict().items())
    assert all(torch.equal(v, before[k]) for k, v in second.state_dict().items())
    assert all(p.grad is None for p in [*template.parameters(), *second.parameters()])


def test_copies_share_owned_weights_until_one_side_writes_them(carry):
    template = rebuild(shareable(carry(Mixed())))
    first, second = fresh_copy(template), fresh_copy(template)
    shared = [*first.parameters(), *first.buffers(), *second.parameters(), *second.buffers()]
    assert shared and all(torch._C._is_cow_tensor(t) for t in shared), "no weights copied for a copy"
    before = {k: v.clone() for k, v in template.state_dict().items()}
    with torch.no_grad():
        for p in first.parameters():
            p.mul_(2.0)
    first.train()
    first(torch.randn(2, 1, 4, 4)).sum().backward()
    assert all(torch.equal(v, before[k]) for k, v in template.state_dict().items())
    assert all(torch.equal(v, before[k]) for k, v in second.state_dict().items())
    assert [type(p) for p in first.parameters()] == [type(p) for p in template.parameters()]


def test_editing_a_copys_graph_changes_only_that_copy(carry):
    student = nn.Sequential(nn.Linear(3, 3), nn.ReLU())
    with torch.no_grad():
        student[0].weight.copy_(torch.eye(3))
        student[0].bias.zero_()
    template, copy = _pair(carry, student)
    x = -torch.ones(1, 3)  # the ReLU makes it zeros
    expected = template(x)
    relu = next(n for n in copy.graph.nodes if n.op == "call_module" and n.target == "1")
    relu.replace_all_uses_with(relu.args[0])
    copy.graph.erase_node(relu)
    copy.recompile()
    assert not torch.equal(copy(x), expected)
    assert torch.equal(template(x), expected)
    assert any(n.target == "1" for n in template.graph.nodes)


def test_a_layer_reached_by_two_names_stays_one_layer_in_a_copy():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 4)
            self.b = self.a

        def forward(self, x):
            return self.b(self.a(x))

    graph = torch.fx.Graph()
    x = graph.placeholder("x")
    graph.output(graph.call_module("b", (graph.call_module("a", (x,)),)))
    template = torch.fx.GraphModule(Tied(), graph)
    assert template.a is template.b
    copy = fresh_copy(template)
    assert copy.a is copy.b and copy.a is not template.a
    with torch.no_grad():
        copy.a.weight.zero_()
    assert torch.count_nonzero(copy.b.weight) == 0
    assert torch.count_nonzero(template.b.weight) > 0


def test_a_meta_copy_has_shapes_only(carry):
    template = rebuild(carry(Mixed()))
    meta = fresh_copy(template, meta=True)
    assert all(t.is_meta for t in [*meta.parameters(), *meta.buffers()])
    assert not any(t.is_meta for t in [*template.parameters(), *template.buffers()])
    assert [tuple(t.shape) for t in meta.parameters()] == [tuple(t.shape) for t in template.parameters()]
    assert meta(torch.empty(2, 1, 4, 4, device="meta")).shape == (2, 2)


def test_an_untraceable_model_is_copied_too(carry):
    class Branching(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x) if x.sum() > 0 else x

    template = rebuild(carry(Branching()))
    copy = fresh_copy(template)
    assert type(copy) is type(template)
    assert copy.fc.weight is not template.fc.weight and torch.equal(copy.fc.weight, template.fc.weight)
    with pytest.raises(Exception, match="could not follow"):
        copy(torch.ones(1, 2))
