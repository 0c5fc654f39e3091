"""Every way of writing the same network rebuilds to a module that computes the same thing.

PyTorch is the oracle: the student's own instance, run in-process here, against the rebuilt one.
"""

from __future__ import annotations

import itertools
import operator

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.rebuild import rebuild

IMAGE = (2, 1, 100, 100)


class AttributesAndFunctions(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
        self.conv2 = nn.Conv2d(3, 2, kernel_size=(3, 3), padding=(1, 1))
        self.fc = nn.Linear(1250, 1)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(torch.relu(self.conv2(x)), kernel_size=2, stride=2)
        return self.fc(torch.flatten(x, 1))


class InSequential(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 3, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(3, 2, 3, 1, 1), nn.ReLU(), nn.MaxPool2d((2, 2)),
            nn.Flatten(), nn.Linear(1250, 1),
        )

    def forward(self, x):
        return self.net(x)


class SubclassesSequential(nn.Sequential):
    def __init__(self):
        super().__init__(nn.Conv2d(1, 3, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
                         nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(1250, 1))


class LoopsOverModuleList(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(1, 3, 3, padding=1), nn.Conv2d(3, 2, 3, padding=1)])
        self.fc = nn.Linear(1250, 1)

    def forward(self, x):
        for conv in self.convs:
            x = F.max_pool2d(conv(x).relu(), 2)
        return self.fc(x.view(x.size(0), -1))


class ViewsWithConstants(LoopsOverModuleList):
    def forward(self, x):
        for conv in self.convs:
            x = F.max_pool2d(conv(x).relu(), 2)
        return self.fc(x.view(-1, 1250))


class ReshapesWithLen(LoopsOverModuleList):
    def forward(self, x):
        for conv in self.convs:
            x = nn.functional.max_pool2d(torch.relu(conv(x)), 2)
        return self.fc(x.reshape(len(x), -1))


class IndexesTheShape(LoopsOverModuleList):
    def forward(self, x):
        for conv in self.convs:
            x = F.max_pool2d(F.relu(conv(x)), (2, 2))
        return self.fc(x.view(x.shape[0], -1))


class BudgetLike(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.AvgPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU6(), nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(32, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.a = nn.Conv2d(8, 8, 3, padding=1)
        self.b = nn.Conv2d(8, 8, 1)
        self.pool = nn.AdaptiveMaxPool2d((2, 2))
        self.fc = nn.Linear(64, 4)

    def forward(self, x):
        x = self.stem(x)
        x = x + F.relu(self.a(x))
        x = operator.mul(x, 0.5) - self.b(x) / 2
        x = torch.cat([x, x.sigmoid()], dim=1)
        x = self.pool(x)[:, :16]
        return F.log_softmax(self.fc(x.flatten(1)), dim=1)


class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 12)
        self.acts = nn.ModuleList([nn.LeakyReLU(0.2), nn.ELU(), nn.GELU(), nn.SiLU(), nn.Sigmoid(), nn.Tanh(),
                                   nn.Softmax(dim=1), nn.LogSoftmax(dim=-1), nn.Identity()])

    def forward(self, x):
        x = self.fc(x)
        for act in self.acts:
            x = act(x) + F.leaky_relu(x, 0.1) + F.gelu(x, approximate="tanh") + F.elu(x) - x.tanh()
        return F.softmax(x, dim=-1) * x.mean(dim=1, keepdim=True)


class OneDimensional(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 4, 5, stride=2)
        self.pool = nn.MaxPool1d(2)
        self.avg = nn.AvgPool1d(3, stride=1)
        self.bn = nn.BatchNorm1d(4)
        self.adapt = nn.AdaptiveAvgPool1d(5)

    def forward(self, x):
        return self.adapt(self.avg(self.pool(self.bn(self.conv(x))))).squeeze(1).unsqueeze(0).contiguous()


class FunctionalDropout(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(20, 5)

    def forward(self, x):
        x = F.dropout(x, 0.5, self.training)
        return F.dropout1d(self.fc(x).unsqueeze(-1), p=0.2, training=self.training).squeeze(-1)


class FrozenUnusedAndRaw(nn.Module):
    def __init__(self):
        super().__init__()
        self.frozen = nn.Linear(6, 6)
        self.frozen.requires_grad_(False)
        self.scale = nn.Parameter(torch.full((6,), 2.0))
        self.register_buffer("shift", torch.arange(6.0))
        self.unused = nn.Linear(10, 10)  # never called: still counts as parameters

    def forward(self, x):
        return self.frozen(x) * self.scale + self.shift


class MyConv(nn.Conv2d):
    """A subclass of a torch layer is the student's code: traced through, down to F.conv2d."""

    def forward(self, x):
        return super().forward(x).relu()


class UsesASubclassedLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = MyConv(1, 2, 5, stride=2, bias=False)
        self.unflatten = nn.Unflatten(1, (2, 16))

    def forward(self, x):
        x = self.conv(x)
        return self.unflatten(x.flatten(1)).sum(dim=(1, 2))


class DoublePrecision(AttributesAndFunctions):
    def __init__(self):
        super().__init__()
        self.double()


def fcnn(input_size=128 * 128):
    sizes = [input_size, 256, 128, 64, 32, 16, 1]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(a, b))
        if i < 4:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def convnet(channels=1):
    layers: list[nn.Module] = []
    for i in range(5):
        layers += [nn.Conv2d(channels if i == 0 else 3, 3, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(49152, 1))


CASES = [
    (AttributesAndFunctions, IMAGE), (InSequential, IMAGE), (SubclassesSequential, IMAGE),
    (LoopsOverModuleList, IMAGE), (ViewsWithConstants, IMAGE), (ReshapesWithLen, IMAGE),
    (IndexesTheShape, IMAGE), (BudgetLike, (3, 3, 64, 64)), (Residual, (2, 3, 16, 16)),
    (Activations, (4, 12)), (OneDimensional, (3, 2, 50)), (FunctionalDropout, (3, 20)),
    (FrozenUnusedAndRaw, (2, 6)), (UsesASubclassedLayer, (2, 1, 11, 11)), (fcnn, (2, 128 * 128)),
    (convnet, (2, 1, 128, 128)),
]


def parameter_summary(model: nn.Module) -> tuple[int, dict[str, tuple[tuple[int, ...], bool]]]:
    named = {n: (tuple(p.shape), p.requires_grad) for n, p in model.named_parameters()}
    return sum(p.numel() for p in model.parameters()), named


@pytest.mark.parametrize(("factory", "shape"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_rebuilt_model_computes_what_the_student_model_computes(carry, factory, shape):
    torch.manual_seed(0)
    student = factory()
    rebuilt = rebuild(carry(student))
    assert parameter_summary(rebuilt) == parameter_summary(student)
    assert rebuilt.training == student.training
    x = torch.randn(shape, dtype=next(student.parameters()).dtype)
    student.eval()
    rebuilt.eval()
    with torch.no_grad():
        expected, got = student(x), rebuilt(x)
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_double_precision_is_kept(carry):
    torch.manual_seed(0)
    rebuilt = rebuild(carry(DoublePrecision()))
    assert {p.dtype for p in rebuilt.parameters()} == {torch.float64}


def test_the_lecture_parameter_counts(carry):
    """The spec's numbers, checked against torch itself through the rebuild."""
    models = [("cnn", AttributesAndFunctions()), ("fcnn", fcnn()), ("convnet", convnet())]
    counts = {name: sum(p.numel() for p in rebuild(carry(model)).parameters()) for name, model in models}
    assert counts == {"cnn": 1337, "fcnn": 4_238_337, "convnet": 49_519}


def test_batch_norm_statistics_and_modes_survive(carry):
    torch.manual_seed(0)
    student = BudgetLike()
    student.train()
    student(torch.randn(8, 3, 64, 64))  # moves the running statistics
    rebuilt = rebuild(carry(student))
    norm = rebuilt.get_submodule("features.1")
    assert torch.equal(norm.running_mean, student.features[1].running_mean)
    assert int(norm.num_batches_tracked) == 1
    student.eval()
    rebuilt.eval()
    x = torch.randn(2, 3, 64, 64)
    assert torch.allclose(rebuilt(x), student(x), atol=1e-6)


def test_functional_dropout_follows_eval_mode(carry):
    rebuilt = rebuild(carry(FunctionalDropout()))
    dropouts = [m for m in rebuilt.modules() if isinstance(m, (nn.Dropout, nn.Dropout1d))]
    assert [type(m) for m in dropouts] == [nn.Dropout, nn.Dropout1d] and dropouts[0].p == 0.5
    rebuilt.eval()
    x = torch.randn(3, 20)
    assert torch.equal(rebuilt(x), rebuilt(x))


def test_the_rebuilt_model_trains(carry):
    rebuilt = rebuild(carry(BudgetLike(num_classes=7)))
    loss = F.cross_entropy(rebuilt(torch.randn(4, 3, 64, 64)), torch.tensor([0, 1, 2, 6]))
    loss.backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in rebuilt.parameters())
