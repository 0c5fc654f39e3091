"""Reference models and helpers of the lab6 hidden tests (hidden like them; never released).

PyTorch is the oracle: expected shapes, values and parameter counts come from real torch layers,
built on the "meta" device where only shapes matter (no memory, no arithmetic), and cached
because several tests ask for the same reference.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.inspect import Followed, Step, model_steps, total_parameters
from cnngrader.read.uses import torch_names
from cnngrader.testing import NotAttempted, StudentError, Submission

CNN_INPUT = (1, 100, 100)
CONVNET_SIDE = 128
BUDGET_INPUT = (3, 64, 64)
BUDGET = 50_000


def randint(rng: torch.Generator, low: int, high: int) -> int:
    """A random int in [low, high], both included, drawn from the test's generator."""
    return int(torch.randint(low, high + 1, (1,), generator=rng).item())


def int_grid(rng: torch.Generator, *shape: int, low: int = -5, high: int = 5) -> torch.Tensor:
    """A float tensor of small whole numbers: sums stay exact, so any mistake shows."""
    return torch.randint(low, high + 1, shape, generator=rng).float()


def forward(model: nn.Module, x: torch.Tensor, what: str) -> torch.Tensor:
    """Run the student's model; their exception becomes a StudentError that says on what input."""
    try:
        out = model(x)
    except StudentError:
        raise
    except NotImplementedError:
        raise NotAttempted(f"{what} still raises NotImplementedError: replace the stub") from None
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise StudentError(
            f"{what} on an input of shape {tuple(x.shape)} raised {type(exc).__name__}: {first}"
        ) from None
    if not isinstance(out, torch.Tensor):
        raise AssertionError(f"{what} should return a tensor, found {type(out).__name__}")
    return out


# --- the lecture's models, as the contract states them ----------------------------------------


class ReferenceCNN(nn.Module):
    """The lecture's pooled CNN: 1,337 parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, 3, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(3, 2, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(1250, 1),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


class ReferenceFCNN(nn.Module):
    """Four linear+ReLU blocks, then two linear layers without activation."""

    def __init__(self, input_size: int) -> None:
        super().__init__()
        sizes = [input_size, 256, 128, 64, 32]
        blocks: list[nn.Module] = []
        for i, o in itertools.pairwise(sizes):
            blocks += [nn.Linear(i, o), nn.ReLU()]
        self.main = nn.Sequential(*blocks, nn.Linear(32, 16), nn.Linear(16, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


class ReferenceConvNet(nn.Module):
    """Five conv(3 filters, 3x3, padding 1)+ReLU blocks, flatten, linear 49152->1."""

    def __init__(self, input_channels: int) -> None:
        super().__init__()
        blocks: list[nn.Module] = []
        for i in [input_channels, 3, 3, 3, 3]:
            blocks += [nn.Conv2d(i, 3, (3, 3), padding=1), nn.ReLU()]
        self.main = nn.Sequential(*blocks, nn.Flatten(), nn.Linear(3 * CONVNET_SIDE * CONVNET_SIDE, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


@functools.cache
def reference_steps(name: str, *args: int) -> tuple[Step, ...]:
    """Steps of a reference model (built on "meta": shapes only), cached per configuration."""
    with torch.device("meta"):
        if name == "CNN":
            return tuple(model_steps(ReferenceCNN(), CNN_INPUT))
        if name == "FCNN":
            return tuple(model_steps(ReferenceFCNN(*args), (args[0],)))
        if name == "ConvNet":
            return tuple(model_steps(ReferenceConvNet(*args), (args[0], CONVNET_SIDE, CONVNET_SIDE)))
    raise ValueError(f"no reference model {name!r}")


# --- oracles of the function questions ---------------------------------------------------------


def conv_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """What nn.Conv2d produces along one dimension (a row of zeros: torch computes it in microseconds,
    where its meta kernel would first import sympy)."""
    x = torch.zeros(1, 1, n, 1)
    w = torch.zeros(1, 1, k, 1)
    return int(F.conv2d(x, w, stride=(stride, 1), padding=(padding, 0)).shape[2])


def conv2d_reference(
    image: torch.Tensor, kernel: torch.Tensor, stride: int = 1, padding: int = 0
) -> torch.Tensor:
    """The contract's definition: F.conv2d on the image as a 1-image, 1-channel batch."""
    out = F.conv2d(image[None, None].double(), kernel[None, None].double(), stride=stride, padding=padding)
    return out[0, 0]


def symmetric_kernel(rng: torch.Generator, kh: int, kw: int) -> torch.Tensor:
    """A kernel equal to itself turned 180 degrees: flipping it changes nothing.

    Tests of padding and stride use these, so a flipped kernel (a separate mistake, with its own
    test) does not cost those points as well.
    """
    k = int_grid(rng, kh, kw, low=-3, high=3)
    return k + k.flip(0, 1)


def conv_parameters(i: int, o: int, kernel: int | tuple[int, int], bias: bool = True) -> int:
    return sum(p.numel() for p in nn.Conv2d(i, o, kernel, bias=bias, device="meta").parameters())


def linear_parameters(i: int, o: int, bias: bool = True) -> int:
    return sum(p.numel() for p in nn.Linear(i, o, bias=bias, device="meta").parameters())


# --- how an answer computes: the notebook's by-hand rules ----------------------------------------


def require_by_hand(sub: Submission, name: str, family: re.Pattern[str], what: str, rule: str) -> None:
    """Fail (every test of the question) if ``name`` hands its work to torch's own ``what``.

    Decided from the notebook's code on the trusted side (``sub.uses``), so aliases do not hide it
    and nothing the notebook does at run time changes it. ``rule`` is the notebook's own sentence.
    """
    borrowed = torch_names(sub.uses(name), family)
    if borrowed:
        shown = ", ".join(borrowed[:3]) + (" ..." if len(borrowed) > 3 else "")
        raise AssertionError(
            f"{name} uses torch's own {what} ({shown}). The notebook says: \"{rule}\" "
            "This question asks for the computation written by hand, so it earns no points."
        )


# --- parameters: where they live, whether forward uses them, whether they train --------------------

KIND_WORDS = {"conv": "convolutions", "linear": "linear layers"}


def parameter_problem(
    model: nn.Module, followed: Followed, expected: Sequence[Step], what: str
) -> str | None:
    """Why the model's parameters are not where the lecture's network keeps them, or None.

    Judged per layer, with the student's own earlier choices carried forward: a convolution or
    linear layer in the network may hold what its own settings give (its settings are judged by
    the tests about that layer, not again here), but parameters elsewhere (a batch norm, a free
    vector, arithmetic with a weight) are not the lecture's, and a network without the lecture's
    kinds of layers has none of its parameters. Only what forward uses counts (a layer forward
    never reaches is not part of the network), and all of it must train.
    """
    kinds = sorted({s.kind for s in expected if s.parameters})
    holders = [s for s in followed.steps if s.parameters]
    lives = " and ".join(KIND_WORDS.get(k, k) for k in kinds)
    for kind in kinds:
        if not any(s.kind == kind for s in holders):
            return (
                f"{what} has no {KIND_WORDS.get(kind, kind)} holding parameters; "
                f"its parameters should live in its {lives}"
            )
    strays = [s for s in holders if s.kind not in kinds]
    if strays:
        return (
            f"{what}: {strays[0]} holds {strays[0].parameters:,} parameters; "
            f"in the lecture's network every parameter lives in its {lives}"
        )
    used = total_parameters(model, used_only=True)
    trainable = total_parameters(model, trainable_only=True, used_only=True)
    if trainable != used:
        return (
            f"{what}: {used - trainable:,} of the {used:,} parameters are frozen (requires_grad=False); "
            "all should train"
        )
    return None


def grid_text(t: torch.Tensor) -> str:
    """A small result as the nested list a student would write (public examples only)."""
    rows = t.tolist()
    return str([[int(v) if float(v).is_integer() else round(v, 4) for v in row] for row in rows])
