"""Honest answer sets the hostile notebooks start from (sources of the ``<question>_answer`` cells).

``wrong``: every answer runs but is wrong in a way no hidden input can make right, so an attack
on top of it has points to gain. ``correct``: the reference solutions. ``stub``: the released
notebook untouched (not attempted).
"""

from __future__ import annotations

from functools import cache

import nbformat

from .harness import REPO

CORRECT_CNN_LAYERS = """nn.Conv2d(1, 3, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(3, 2, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(1250, 1),"""

WRONG_CNN = """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(1, 1)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(x), 1))
"""

WRONG_FCNN_CONVNET = """
class FCNN(nn.Module):
    def __init__(self, input_size):
        super().__init__()
        self.fc = nn.Linear(input_size, 1)

    def forward(self, x):
        return self.fc(x)


class ConvNet(nn.Module):
    def __init__(self, input_channels):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(input_channels, 1)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(x), 1))
"""

# Meets every rule but the budget: 82,738 trainable parameters with 10 classes.
OVER_BUDGET_CNN = """
class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(), nn.Flatten(),
        )
        self.fc = nn.Linear(8 * 32 * 32, num_classes)

    def forward(self, x):
        return self.fc(self.features(x))
"""

LAB6_WRONG = {
    "conv_output_size_answer": (
        "def conv_output_size(input_size, kernel_size, stride=1, padding=0):\n    return 0\n"
    ),
    "conv2d_single_answer": (
        "def conv2d_single(image, kernel, stride=1, padding=0):\n    return torch.zeros(1, 1)\n"
    ),
    "max_pool2d_single_answer": (
        "def max_pool2d_single(image, kernel_size):\n    return torch.full((1, 1), -1.0)\n"
    ),
    "param_counts_answer": (
        "def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):\n    return -1\n\n\n"
        "def linear_param_count(in_features, out_features, bias=True):\n    return -1\n"
    ),
    "cnn_answer": WRONG_CNN,
    "fcnn_vs_convnet_answer": WRONG_FCNN_CONVNET,
    "linear_in_features_answer": "linear_in_features = 1\n",
    "budget_cnn_answer": OVER_BUDGET_CNN,
}

# Wrong for every student: with per-student variants the options are shuffled, so a real
# letter would be some students' right answer; "Z" reads as a letter and is no option.
QUIZ6_WRONG = {
    "q1_answer": 'q1 = "Z"\n',
    "q2_answer": 'q2 = {"Z"}\n',
    "q3_answer": "q3 = 1\n",
    "q4_answer": "q4 = (1, 1, 1, 1)\n",
    "q5_answer": "q5 = 1\n",
    "q6_answer": "q6 = (1, 1)\n",
    "q7_answer": "q7 = (1, 1, 1, 1)\n",
    "q8_answer": "q8 = [[0, 0], [0, 0]]\n",
    "q9_answer": "q9 = 1\n",
    "q10_answer": 'q10 = "Z"\n',
}

# What an attacker who stole the answer key would write (used only in branches taken on a breach).
QUIZ6_STOLEN = (
    'q1, q2, q3, q4, q5 = "C", {"C"}, 84, (1, 1, 96, 96), 25\n'
    'q6, q7, q8, q9, q10 = (26, 26), (8, 3, 5, 5), [[7, 9], [8, 4]], 20001, "B"\n'
)

MAX_SCORE = {"lab6": 40.0, "quiz6": 10.0}


def read_nb(path):  # type: ignore[no-untyped-def]
    return nbformat.read(str(path), as_version=4)


@cache
def release_nb(assignment: str):  # type: ignore[no-untyped-def]
    return read_nb(REPO / "release" / assignment / f"{assignment}.ipynb")


@cache
def correct_answers(assignment: str) -> dict[str, str]:
    nb = read_nb(REPO / "solutions" / f"{assignment}.ipynb")
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_answer")
    }


def base_answers(assignment: str, base: str) -> dict[str, str]:
    if base == "stub":
        return {}
    if base == "correct":
        return dict(correct_answers(assignment))
    if base == "wrong":
        return dict(LAB6_WRONG if assignment == "lab6" else QUIZ6_WRONG)
    raise ValueError(f"unknown base {base!r}")
