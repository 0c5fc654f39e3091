"""Every figure the notebooks quote from the lecture, computed by PyTorch rather than trusted.

Each figure is recomputed from real layers (or from torch-summary's returned statistics), then
the notebooks are checked to quote it as computed, and to quote no large number that is not here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torchsummary import summary

from cnngrader.course import Course

from .conftest import release_nb, source_nb

REPO = Path(__file__).resolve().parents[2]


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def out_hw(layer: nn.Module, size: int = 100) -> str:
    """Height x width of what ``layer`` makes of a one-channel ``size`` x ``size`` image."""
    h, w = layer(torch.zeros(1, 1, size, size)).shape[-2:]
    return f"{h}x{w}"


def cnn_without_pooling() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(2 * 100 * 100, 1),
    )  # fmt: skip


def cnn_with_pooling() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1250, 1),
    )  # fmt: skip


def locally_connected_toy() -> nn.Sequential:
    # Four hidden units, each with its own weights on its own 2x2 patch: a grouped 1x1 convolution
    # over the 16 pixels ordered patch by patch is exactly that layer.
    return nn.Sequential(nn.Conv1d(16, 4, kernel_size=1, groups=4), nn.Flatten(), nn.Linear(4, 1))


def fcnn_layers(input_size: int) -> nn.Sequential:
    """The lecture's fully connected regressor, layer by layer."""
    widths = [input_size, 256, 128, 64, 32]
    layers: list[nn.Module] = []
    for n_in, n_out in itertools.pairwise(widths):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(32, 16), nn.Linear(16, 1))


def convnet_blocks(channels: int) -> list[nn.Module]:
    """The lecture's five (conv to 3 channels, kernel 3, padding 1; ReLU) blocks."""
    layers: list[nn.Module] = []
    for n_in in (channels, 3, 3, 3, 3):
        layers += [nn.Conv2d(n_in, 3, 3, padding=1), nn.ReLU()]
    return layers


def question7_stack() -> list[nn.Module]:
    return [nn.Conv2d(3, 8, 5), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.MaxPool2d(2)]


def summary_stats(model: nn.Module, shape: tuple[int, ...]) -> Any:
    return summary(model, shape, verbose=0)


def flatten_size(*layers: nn.Module, shape: tuple[int, ...]) -> int:
    return int(nn.Sequential(*layers, nn.Flatten())(torch.zeros(1, *shape)).shape[1])


LECTURE_IMAGE = torch.tensor(
    [[3.0, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
)
LECTURE_KERNEL = torch.tensor([[0.0, 1, 2], [2, 2, 0], [0, 1, 2]])
POOL_GRID = torch.tensor([[1.0, 3, 2, 9], [7, 4, 1, 5], [8, 5, 2, 3], [4, 2, 1, 4]])


def conv_example(**kwargs: int) -> list[list[int]]:
    out = F.conv2d(LECTURE_IMAGE[None, None], LECTURE_KERNEL[None, None], **kwargs)[0, 0]
    return out.int().tolist()


# figure as the notebooks print it -> how PyTorch computes it (formatted the same way)
FIGURES: dict[str, Callable[[], str]] = {
    "30": lambda: str(n_params(nn.Conv2d(1, 3, 3))),
    "84": lambda: str(n_params(nn.Conv2d(3, 3, (3, 3)))),
    "73": lambda: str(n_params(nn.Sequential(nn.Linear(16, 4), nn.Linear(4, 1)))),
    "25": lambda: str(n_params(locally_connected_toy())),
    "20,087": lambda: f"{n_params(cnn_without_pooling()):,}",
    "20,001": lambda: f"{n_params(cnn_without_pooling()[-1]):,}",
    "1,337": lambda: f"{summary_stats(cnn_with_pooling(), (1, 100, 100)).total_params:,}",
    "1,251": lambda: f"{n_params(cnn_with_pooling()[-1]):,}",
    "0.41": lambda: f"{summary_stats(cnn_with_pooling(), (1, 100, 100)).total_mult_adds / 1e6:.2f}",
    "4,238,337": lambda: f"{n_params(fcnn_layers(128 * 128)):,}",
    "49,519": lambda: f"{n_params(nn.Sequential(*convnet_blocks(1), nn.Flatten(), nn.Linear(49152, 1))):,}",
    "1250": lambda: str(flatten_size(*cnn_with_pooling()[:-2], shape=(1, 100, 100))),
    "49152": lambda: str(flatten_size(*convnet_blocks(1), shape=(1, 128, 128))),
    "96x96": lambda: out_hw(nn.Conv2d(1, 1, (5, 5))),
    "50x50": lambda: out_hw(nn.Conv2d(1, 1, (51, 51))),
    "100x100": lambda: out_hw(nn.Conv2d(1, 1, (51, 51), padding=25)),
    "26x26": lambda: out_hw(nn.Conv2d(1, 1, (25, 25), stride=3)),
    "3600": lambda: str(flatten_size(*question7_stack(), shape=(3, 64, 64))),
    "[[12, 12, 17], [10, 17, 19], [9, 6, 14]]": lambda: str(conv_example()),
    "[[6, 17, 3], [8, 17, 13], [6, 4, 4]]": lambda: str(conv_example(stride=2, padding=1)),
    "[[7, 9], [8, 4]]": lambda: str(F.max_pool2d(POOL_GRID[None, None], 2)[0, 0].int().tolist()),
}


@pytest.mark.parametrize("figure", FIGURES)
def test_pytorch_computes_the_figure(figure: str) -> None:
    assert FIGURES[figure]() == figure


def test_pooling_cuts_the_last_layer_about_sixteen_fold() -> None:
    # the lab's prose: "Pooling twice cut the last layer about sixteen-fold"
    assert round(n_params(cnn_without_pooling()[-1]) / n_params(cnn_with_pooling()[-1])) == 16


def test_the_solutions_reproduce_the_lecture(lab6_solution: dict[str, Any]) -> None:
    ns = lab6_solution
    stats = summary_stats(ns["CNN"](), (1, 100, 100))
    assert f"{stats.total_params:,}" == "1,337"
    assert f"{stats.total_mult_adds / 1e6:.2f}" == "0.41"
    assert f"{summary_stats(ns['FCNN'](128 * 128), (128 * 128,)).total_params:,}" == "4,238,337"
    assert f"{summary_stats(ns['ConvNet'](1), (1, 128, 128)).total_params:,}" == "49,519"
    assert str(ns["linear_in_features"]) == FIGURES["3600"]()
    assert n_params(ns["BudgetCNN"]()) <= 50_000


def text(nb: Any, cell_type: str | None = None) -> str:
    return "\n".join(c.source for c in nb.cells if cell_type is None or c.cell_type == cell_type)


QUOTED = {
    "lab6": [
        "= 30", "= 73", "= 25", "**1,337**", "**20,087**", "0.41", "**4,238,337**", "**49,519**",
        "50×50", "| 1250 |", "49152", "[[12, 12, 17], [10, 17, 19], [9, 6, 14]]",
        "[[6, 17, 3], [8, 17, 13], [6, 4, 4]]",
    ],
}  # fmt: skip


def normalise(figure: str) -> str:
    return figure.replace("×", "x").strip("*|= ")


@pytest.mark.parametrize(("assignment", "quote"), [(a, q) for a, qs in QUOTED.items() for q in qs])
def test_the_lab_quotes_the_computed_figures(assignment: str, quote: str) -> None:
    assert quote in text(release_nb(assignment))
    assert normalise(quote) in FIGURES


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_every_large_number_in_the_prose_is_a_computed_figure(assignment: str) -> None:
    rules = {"50,000"}  # the budget of question 8: a rule of the lab, not a figure of the lecture
    for number in re.findall(r"\d{1,3}(?:,\d{3})+", text(source_nb(assignment), "markdown")):
        assert number in FIGURES or number in rules, f"{number} is quoted but not computed by a test"


def test_the_lab_does_not_give_away_its_hidden_answer() -> None:
    assert FIGURES["3600"]() not in text(release_nb("lab6"))


# ---- the quiz: each reference answer follows from what PyTorch does --------------------------


def raises(fn: Callable[[], object]) -> bool:
    try:
        fn()
    except RuntimeError:
        return True
    return False


def true_statements_q2() -> set[str]:
    conv = nn.Conv2d(1, 1, 3)
    head = nn.Sequential(nn.Conv2d(1, 10, 3, padding=1), nn.Flatten())  # 1000 features on 10x10
    wide = nn.Sequential(head, nn.Linear(1000, 100))
    deeper_but_smaller = nn.Sequential(head, nn.Linear(1000, 1), nn.Linear(1, 100))
    one_big_conv = nn.Sequential(nn.Conv2d(1, 64, 5))
    two_small_convs = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(2, 2, 3))
    verdicts = {
        "A": not raises(lambda: conv(torch.zeros(5, 5))),
        "B": conv(torch.zeros(1, 1, 5, 5)).dim() == 2 or conv(torch.zeros(1, 5, 5)).dim() == 2,
        "C": conv.weight.dim() == 4,
        "D": n_params(deeper_but_smaller) > n_params(wide),
        "E": n_params(two_small_convs) > n_params(one_big_conv),
    }
    return {letter for letter, true in verdicts.items() if true}


def batch_layout_q10() -> str:
    options = {"A": "NHWC", "B": "NCHW", "C": "CNHW", "D": "HWCN"}
    n, c, h, w = 2, 3, 10, 12
    sizes = {"N": n, "C": c, "H": h, "W": w}
    conv = nn.Conv2d(c, 8, 3)
    ok = []
    for letter, layout in options.items():
        x = torch.zeros(*(sizes[d] for d in layout))
        if not raises(lambda x=x: conv(x)) and conv(x).shape == (n, 8, h - 2, w - 2):
            ok.append(letter)
    (answer,) = ok
    return answer


QUIZ_KEY: dict[str, Callable[[], object]] = {
    "q1": lambda: {"4x4": "A", "3x3": "B", "2x2": "C"}[out_hw(nn.Conv2d(1, 1, 3), size=4)],
    "q2": true_statements_q2,
    "q3": lambda: n_params(nn.Conv2d(3, 3, kernel_size=(3, 3))),
    "q4": lambda: tuple(nn.Conv2d(1, 1, kernel_size=(5, 5))(torch.zeros(1, 1, 100, 100)).shape),
    "q5": lambda: next(p for p in range(60) if out_hw(nn.Conv2d(1, 1, 51, padding=p)) == "100x100"),
    "q6": lambda: tuple(nn.Conv2d(1, 1, 25, stride=3)(torch.zeros(1, 1, 100, 100)).shape[-2:]),
    "q7": lambda: tuple(nn.Conv2d(3, 8, kernel_size=5).weight.shape),
    "q8": lambda: F.max_pool2d(POOL_GRID[None, None], 2, stride=2)[0, 0].int().tolist(),
    "q9": lambda: n_params(cnn_without_pooling()[-1]),
    "q10": batch_layout_q10,
}


@pytest.mark.parametrize("question", QUIZ_KEY)
def test_quiz_solution_is_what_pytorch_does(question: str, quiz6_solution: dict[str, Any]) -> None:
    assert quiz6_solution[question] == QUIZ_KEY[question]()


def test_the_quiz_key_covers_the_quiz() -> None:
    quiz6 = Course.open(REPO).assignment("quiz6")
    assert list(QUIZ_KEY) == [q.id for q in quiz6.questions]
