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
    "conv2d_single with tensor.unfold and einsum, helper of its own": """
def windows(image, kh, kw, stride):
    return image.unfold(0, kh, stride).unfold(1, kw, stride)


def conv2d_single(image, kernel, stride=1, padding=0):
    return torch.einsum("ijkl,kl->ij", windows(F.pad(image, [padding] * 4), *kernel.shape, stride), kernel)
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
    "max_pool2d_single with unfold and amax": """
def max_pool2d_single(image, kernel_size):
    return image.unfold(0, kernel_size, kernel_size).unfold(1, kernel_size, kernel_size).amax((-2, -1))
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
    k = kernel_size
    h, w = image.shape[0] // k, image.shape[1] // k
    return image[:h * k, :w * k].reshape(h, k, w, k).mean(dim=(1, 3))
""",
    ),
    "max_pool2d_single starting the max at 0": Mistake(
        "max_pool2d_single",
        1,
        ("start each maximum",),
        """
def max_pool2d_single(image, kernel_size):
    k = kernel_size
    h, w = image.shape[0] // k, image.shape[1] // k
    return image[:h * k, :w * k].reshape(h, k, w, k).amax(dim=(1, 3)).clamp(min=0)
""",
    ),
    "max_pool2d_single keeping incomplete windows": Mistake(
        "max_pool2d_single",
        1,
        ("incomplete windows",),
        """
def max_pool2d_single(image, kernel_size):
    k = kernel_size
    h, w = -(-image.shape[0] // k), -(-image.shape[1] // k)
    padded = torch.full((h * k, w * k), float("-inf"), dtype=image.dtype)
    padded[:image.shape[0], :image.shape[1]] = image
    return padded.reshape(h, k, w, k).amax(dim=(1, 3))
""",
    ),
    "max_pool2d_single with stride 1": Mistake(
        "max_pool2d_single",
        4,
        ("stride = kernel_size",),
        """
def max_pool2d_single(image, kernel_size):
    return image.unfold(0, kernel_size, 1).unfold(1, kernel_size, 1).amax(dim=(-2, -1))
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


# The notebook's by-hand rule: torch's own convolution or pooling, however reached, loses the question.
CONV_RULE = "Do not call F.conv2d, torch.conv2d or nn.Conv2d"
POOL_RULE = "Do not call F.max_pool2d, torch.max_pool2d, nn.MaxPool2d"
BORROWED = {
    "conv2d_single returning F.conv2d": ("conv2d_single", CONV_RULE, """
def conv2d_single(image, kernel, stride=1, padding=0):
    return F.conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
"""),
    "conv2d_single with torch.conv2d": ("conv2d_single", CONV_RULE, """
def conv2d_single(image, kernel, stride=1, padding=0):
    return torch.conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
"""),
    "conv2d_single with conv2d imported as c": ("conv2d_single", CONV_RULE, """
from torch.nn.functional import conv2d as c

def conv2d_single(image, kernel, stride=1, padding=0):
    return c(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
"""),
    "conv2d_single with an nn.Conv2d given the kernel": ("conv2d_single", CONV_RULE, """
def conv2d_single(image, kernel, stride=1, padding=0):
    conv = nn.Conv2d(1, 1, tuple(kernel.shape), stride=stride, padding=padding, bias=False)
    with torch.no_grad():
        conv.weight.copy_(kernel[None, None])
        return conv(image[None, None])[0, 0]
"""),
    "conv2d_single through a helper": ("conv2d_single", CONV_RULE, """
def _helper(x, k, s, p):
    return F.conv2d(x[None, None], k[None, None], stride=s, padding=p)[0, 0]

def conv2d_single(image, kernel, stride=1, padding=0):
    return _helper(image, kernel, stride, padding)
"""),
    "max_pool2d_single with F.max_pool2d": ("max_pool2d_single", POOL_RULE, """
def max_pool2d_single(image, kernel_size):
    return F.max_pool2d(image[None, None], kernel_size)[0, 0]
"""),
    "max_pool2d_single with torch.max_pool2d": ("max_pool2d_single", POOL_RULE, """
def max_pool2d_single(image, kernel_size):
    return torch.max_pool2d(image[None, None], kernel_size)[0, 0]
"""),
    "max_pool2d_single with nn.MaxPool2d": ("max_pool2d_single", POOL_RULE, """
def max_pool2d_single(image, kernel_size):
    return nn.MaxPool2d(kernel_size)(image[None])[0]
"""),
    "max_pool2d_single with an adaptive pooling": ("max_pool2d_single", POOL_RULE, """
def max_pool2d_single(image, kernel_size):
    h, w = image.shape[0] // kernel_size, image.shape[1] // kernel_size
    kept = image[:h * kernel_size, :w * kernel_size]
    return F.adaptive_max_pool2d(kept[None], (h, w))[0]
"""),
}  # fmt: skip


@pytest.mark.parametrize("case", BORROWED.values(), ids=BORROWED.keys())
def test_torchs_own_convolution_or_pooling_loses_the_by_hand_question(
    grade_lab6: Grade, case: tuple[str, str, str]
) -> None:
    question, rule, code = case
    graded = grade_lab6(code)
    graded.assert_only(question, graded.question(question).max_score, rule, "The notebook says")
    assert {t.outcome for t in graded.question(question).tests} == {Outcome.FAILED}


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
