"""The lab6 function questions: right respellings get full marks, each typical mistake costs its own
question only, exactly the tests it breaks, with a message that names the mistake."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from graded import Grade

from cnngrader.results import Outcome

RIGHT = {
    "conv_output_size with math.floor and /": """
import math
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    return math.floor((input_size + 2 * padding - kernel_size) / stride) + 1
""",
    "conv_output_size returning numpy and tensor numbers": """
import numpy as np
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    size = np.int64((input_size + 2 * padding - kernel_size) // stride + 1)
    return torch.tensor(size) if size % 2 else float(size)
""",
    "conv_output_size asking nn.Conv2d": """
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    conv = nn.Conv2d(1, 1, kernel_size, stride=stride, padding=padding)
    return conv(torch.zeros(1, 1, input_size, input_size)).shape[-1]
""",
    "conv2d_single with F.conv2d": """
def conv2d_single(image, kernel, stride=1, padding=0):
    return F.conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
""",
    "conv2d_single with unfold, returning numpy": """
def conv2d_single(image, kernel, stride=1, padding=0):
    kh, kw = kernel.shape
    h = (image.shape[0] + 2 * padding - kh) // stride + 1
    cols = F.unfold(image[None, None], (kh, kw), padding=padding, stride=stride)
    return (kernel.reshape(1, -1) @ cols[0]).reshape(h, -1).numpy()
""",
    "conv2d_single as nested lists of float64": """
def conv2d_single(image, kernel, stride=1, padding=0):
    img = torch.zeros(image.shape[0] + 2 * padding, image.shape[1] + 2 * padding, dtype=torch.float64)
    img[padding:padding + image.shape[0], padding:padding + image.shape[1]] = image
    kh, kw = kernel.shape
    return [
        [float((img[i:i + kh, j:j + kw] * kernel).sum()) for j in range(0, img.shape[1] - kw + 1, stride)]
        for i in range(0, img.shape[0] - kh + 1, stride)
    ]
""",
    "max_pool2d_single with F.max_pool2d": """
def max_pool2d_single(image, kernel_size):
    return F.max_pool2d(image[None, None], kernel_size)[0, 0]
""",
    "max_pool2d_single with reshape and amax, as a list": """
def max_pool2d_single(image, kernel_size):
    k = kernel_size
    h, w = image.shape[0] // k, image.shape[1] // k
    return image[:h * k, :w * k].reshape(h, k, w, k).amax(dim=(1, 3)).tolist()
""",
    "param counts from the real layers": """
def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    return sum(p.numel() for p in nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias).parameters())

def linear_param_count(in_features, out_features, bias=True):
    return float(sum(p.numel() for p in nn.Linear(in_features, out_features, bias=bias).parameters()))
""",
    "param counts with _pair": """
from torch.nn.modules.utils import _pair
def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = _pair(kernel_size)
    return out_channels * (in_channels * kh * kw + int(bias))
""",
    "linear_in_features as 3600.0": "linear_in_features = 3600.0",
    "linear_in_features as numpy": "import numpy as np\nlinear_in_features = np.int64(16 * 15 * 15)",
    "linear_in_features as a tensor": "linear_in_features = torch.tensor(3600)",
}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("code", RIGHT.values(), ids=RIGHT.keys())
def test_right_spellings_get_full_marks(grade_lab6: Grade, code: str, seed: int) -> None:
    grade_lab6(code, seed=seed).assert_full_marks()


@dataclass(frozen=True)
class Mistake:
    question: str
    lost: float
    words: tuple[str, ...]
    code: str


MISTAKES = {
    "conv_output_size without + 1": Mistake(
        "conv_output_size",
        4,
        ("off by one",),
        """
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    return (input_size + 2 * padding - kernel_size) // stride
""",
    ),
    "conv_output_size ignoring padding": Mistake(
        "conv_output_size",
        2,
        ("padding seems ignored",),
        """
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    return (input_size - kernel_size) // stride + 1
""",
    ),
    "conv_output_size padding one side": Mistake(
        "conv_output_size",
        2,
        ("both sides",),
        """
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    return (input_size + padding - kernel_size) // stride + 1
""",
    ),
    "conv_output_size ignoring stride": Mistake(
        "conv_output_size",
        2,
        ("stride seems ignored",),
        """
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    return input_size + 2 * padding - kernel_size + 1
""",
    ),
    "conv_output_size with / instead of //": Mistake(
        "conv_output_size",
        1,
        ("rounds the division down",),
        """
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    return (input_size + 2 * padding - kernel_size) / stride + 1
""",
    ),
    "conv2d_single flipping the kernel": Mistake(
        "conv2d_single",
        2,
        ("kernel flipped", "cross-correlation"),
        """
_right_conv2d_single = conv2d_single
def conv2d_single(image, kernel, stride=1, padding=0):
    return _right_conv2d_single(image, kernel.flip(0, 1), stride, padding)
""",
    ),
    "conv2d_single ignoring stride": Mistake(
        "conv2d_single",
        3,
        ("stride seems ignored",),
        """
_right_conv2d_single = conv2d_single
def conv2d_single(image, kernel, stride=1, padding=0):
    return _right_conv2d_single(image, kernel, 1, padding)
""",
    ),
    "conv2d_single ignoring padding": Mistake(
        "conv2d_single",
        3,
        ("padding seems ignored",),
        """
_right_conv2d_single = conv2d_single
def conv2d_single(image, kernel, stride=1, padding=0):
    return _right_conv2d_single(image, kernel, stride, 0)
""",
    ),
    "conv2d_single without + 1": Mistake(
        "conv2d_single",
        6,
        ("off by one",),
        """
_right_conv2d_single = conv2d_single
def conv2d_single(image, kernel, stride=1, padding=0):
    return _right_conv2d_single(image, kernel, stride, padding)[:-1, :-1]
""",
    ),
    "max_pool2d_single averaging": Mistake(
        "max_pool2d_single",
        3,
        ("averages",),
        """
def max_pool2d_single(image, kernel_size):
    return F.avg_pool2d(image[None, None], kernel_size)[0, 0]
""",
    ),
    "max_pool2d_single starting the max at 0": Mistake(
        "max_pool2d_single",
        1,
        ("start each maximum",),
        """
def max_pool2d_single(image, kernel_size):
    return F.max_pool2d(image[None, None], kernel_size)[0, 0].clamp(min=0)
""",
    ),
    "max_pool2d_single keeping incomplete windows": Mistake(
        "max_pool2d_single",
        1,
        ("incomplete windows",),
        """
def max_pool2d_single(image, kernel_size):
    return F.max_pool2d(image[None, None], kernel_size, ceil_mode=True)[0, 0]
""",
    ),
    "max_pool2d_single with stride 1": Mistake(
        "max_pool2d_single",
        4,
        ("stride = kernel_size",),
        """
def max_pool2d_single(image, kernel_size):
    return F.max_pool2d(image[None, None], kernel_size, stride=1)[0, 0]
""",
    ),
    "param counts without biases": Mistake(
        "param_counts",
        3,
        ("biases are missing",),
        """
def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return in_channels * out_channels * kh * kw

def linear_param_count(in_features, out_features, bias=True):
    return in_features * out_features
""",
    ),
    "param counts ignoring bias=False": Mistake(
        "param_counts",
        1,
        ("with bias=False the layer has no biases",),
        """
def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return in_channels * out_channels * kh * kw + out_channels

def linear_param_count(in_features, out_features, bias=True):
    return in_features * out_features + out_features
""",
    ),
    "conv2d_param_count for int kernels only": Mistake(
        "param_counts",
        1,
        ("TypeError",),
        """
def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    return in_channels * out_channels * kernel_size ** 2 + (out_channels if bias else 0)
""",
    ),
    "conv2d_param_count ignoring in_channels": Mistake(
        "param_counts",
        3,
        ("in_channels x kernel height",),
        """
def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return out_channels * kh * kw + (out_channels if bias else 0)
""",
    ),
    "linear_in_features as if the first conv kept the size": Mistake(
        "linear_in_features", 1.5, ("4 pixels smaller",), "linear_in_features = 16 * 16 * 16"
    ),
    "linear_in_features without the channels": Mistake(
        "linear_in_features", 1.5, ("multiply by the channels",), "linear_in_features = 15 * 15"
    ),
    "linear_in_features without pooling": Mistake(
        "linear_in_features", 1.5, ("halves the height",), "linear_in_features = 16 * 60 * 60"
    ),
    "linear_in_features as a string": Mistake(
        "linear_in_features", 2, ("whole number", "str '3600'"), "linear_in_features = '3600'"
    ),
}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_costs_its_own_question_only(grade_lab6: Grade, mistake: Mistake, seed: int) -> None:
    grade_lab6(mistake.code, seed=seed).assert_only(mistake.question, mistake.lost, *mistake.words)


def test_a_wrong_answer_is_never_revealed(grade_lab6: Grade) -> None:
    graded = grade_lab6("linear_in_features = 3599")
    assert "3600" not in graded.messages("linear_in_features")
    assert "3,600" not in graded.messages("linear_in_features")


def test_an_exception_in_student_code_is_an_error_that_says_where(grade_lab6: Grade) -> None:
    graded = grade_lab6("def max_pool2d_single(image, kernel_size):\n    return image[kernel_size * 100]\n")
    tests = graded.question("max_pool2d_single").tests
    assert {t.outcome for t in tests} == {Outcome.ERROR}
    assert all("max_pool2d_single(...) raised IndexError" in t.message for t in tests)
    graded.assert_only("max_pool2d_single", 4)


def test_stubs_and_missing_names_are_not_attempted(grade_lab6: Grade) -> None:
    stubs = """
import torch.nn as nn
def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    raise NotImplementedError
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        raise NotImplementedError
class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
    def forward(self, x):
        raise NotImplementedError
"""
    graded = grade_lab6(stubs, base=False)
    assert graded.question("conv_output_size").outcome is Outcome.NOT_ATTEMPTED
    assert graded.question("cnn").outcome is Outcome.NOT_ATTEMPTED
    assert graded.question("budget_cnn").outcome is Outcome.NOT_ATTEMPTED  # a stub forward
    assert graded.question("fcnn_vs_convnet").outcome is Outcome.NOT_ATTEMPTED  # never defined
    assert all(q.score == 0 for q in graded.questions)
