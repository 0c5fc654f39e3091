"""Tiny fixture models: the lecture's pooled CNN spelled in every way the contract calls the same.

Deliberately no ``len`` in this module's globals: tracing must make ``len(x)`` traceable by itself
and leave the globals as they were.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class Sequential(nn.Module):
    """The lecture's own spelling."""

    def __init__(self) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(in_channels=1, out_channels=3, kernel_size=(3, 3), padding=1),
            nn.ReLU(),
            nn.MaxPool2d((2, 2)),
            nn.Conv2d(in_channels=3, out_channels=2, kernel_size=(3, 3), padding=1),
            nn.ReLU(),
            nn.MaxPool2d((2, 2)),
            nn.Flatten(),
            nn.Linear(1250, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


class Functional(nn.Module):
    """Attributes for the layers with weights; F.relu, F.max_pool2d and view(size(0), -1) in forward."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
        self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
        self.fc = nn.Linear(1250, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), kernel_size=2, stride=2)
        return self.fc(x.view(x.size(0), -1))


class TensorMethods(nn.Module):
    """torch.relu, x.relu(), torch.flatten(x, 1), 'same' padding, MaxPool2d(kernel_size=2, stride=2)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, kernel_size=3, padding="same")
        self.conv2 = nn.Conv2d(3, 2, kernel_size=(3, 3), padding=(1, 1), stride=(1, 1))
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.fc = nn.Linear(1250, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(self.conv2(x).relu())
        return self.fc(torch.flatten(x, 1))


class LenReshape(nn.Module):
    """x.reshape(len(x), -1), ReLU(inplace=True), an Identity and contiguous() that compute nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.ModuleList(
            [
                nn.Conv2d(1, 3, 3, padding=1),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
                nn.Identity(),
                nn.Conv2d(3, 2, 3, padding=1),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            ]
        )
        self.fc = nn.Linear(1250, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.features:
            x = layer(x)
        return self.fc(x.contiguous().reshape(len(x), -1))


class SequentialSubclass(nn.Sequential):
    """A class that is an nn.Sequential, with x.view(-1, 1250) hidden in a small module of its own."""

    def __init__(self) -> None:
        super().__init__(
            nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            _View(), nn.Linear(1250, 1),
        )  # fmt: skip


class _View(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(-1, 1250)


class OwnWeights(nn.Module):
    """F.conv2d and F.linear with the model's own parameters, and shape[0] for the batch."""

    def __init__(self) -> None:
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(3, 1, 3, 3))
        self.b1 = nn.Parameter(torch.zeros(3))
        self.w2 = nn.Parameter(torch.randn(2, 3, 3, 3))
        self.b2 = nn.Parameter(torch.zeros(2))
        self.w3 = nn.Parameter(torch.randn(1, 1250))
        self.b3 = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.max_pool2d(F.relu(F.conv2d(x, self.w1, self.b1, padding=1)), 2)
        x = F.max_pool2d(F.relu(F.conv2d(x, self.w2, self.b2, 1, 1)), (2, 2))
        return F.linear(x.reshape(x.shape[0], -1), self.w3, self.b3)


def _block(i: int, o: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))


class Blocks(nn.Module):
    """Nested Sequentials built by a helper function, and x.flatten(1)."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(_block(1, 3), _block(3, 2))
        self.head = nn.Linear(1250, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x).flatten(1))


SPELLINGS = (Sequential, Functional, TensorMethods, LenReshape, SequentialSubclass, OwnWeights, Blocks)


# --- mistakes -------------------------------------------------------------------------------------


class NoPadding(nn.Module):
    """Second convolution without padding; the Linear is sized to match, so the model runs."""

    def __init__(self) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(3, 2, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(2 * 24 * 24, 1),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


class MissingRelu(nn.Module):
    """No ReLU after the first convolution."""

    def __init__(self) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, 3, 3, padding=1), nn.MaxPool2d(2),
            nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(1250, 1),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


class AvgPool(nn.Module):
    """Average pooling where the lecture max-pools."""

    def __init__(self) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
            nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
            nn.Flatten(), nn.Linear(1250, 1),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


class WrongLinear(nn.Module):
    """A Linear whose in_features do not match the flattened size: the model fails there."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )  # fmt: skip
        self.fc = nn.Linear(1000, 1)
        self.out = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.fc(torch.flatten(self.features(x), 1)))


class DataDependent(nn.Module):
    """Control flow on a tensor's values: torch.fx cannot follow it."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:
            return self.fc(x)
        return -self.fc(x)
