"""names_used: what a notebook's function refers to, through every alias a student writes."""

from __future__ import annotations

import textwrap

import pytest

from cnngrader.read.uses import TORCH_CONVOLUTION, TORCH_POOLING, names_used, torch_names

HEADER = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"
BY_HAND = """
def conv2d_single(image, kernel, stride=1, padding=0):
    padded = F.pad(image, (padding,) * 4)
    windows = padded.unfold(0, kernel.shape[0], stride).unfold(1, kernel.shape[1], stride)
    return (windows * kernel).sum(dim=(-2, -1))
"""
CONV = "torch.nn.functional.conv2d"


def used(*cells: str, name: str = "conv2d_single") -> frozenset[str]:
    return names_used([HEADER, *(textwrap.dedent(c) for c in cells)], name)


def test_a_by_hand_answer_uses_pad_and_arithmetic_only() -> None:
    found = used(BY_HAND)
    assert "torch.nn.functional.pad" in found
    assert not any("conv" in name for name in found)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("def conv2d_single(i, k, stride=1, padding=0):\n    return F.conv2d(i, k)", CONV),
        ("def conv2d_single(i, k, stride=1, padding=0):\n    return torch.conv2d(i, k)", "torch.conv2d"),
        (
            "from torch.nn.functional import conv2d as c\n\n"
            "def conv2d_single(i, k, stride=1, padding=0):\n    return c(i, k)",
            CONV,
        ),
        ("c = F.conv2d\n\ndef conv2d_single(i, k, stride=1, padding=0):\n    return c(i, k)", CONV),
        ("def conv2d_single(i, k, stride=1, padding=0):\n    c = F.conv2d\n    return c(i, k)", CONV),
        (
            "def conv2d_single(i, k, stride=1, padding=0):\n"
            "    G = torch.nn.functional\n    return G.conv2d(i, k)",
            CONV,
        ),
        (
            "def conv2d_single(i, k, stride=1, padding=0):\n"
            "    import torch.nn.functional as G\n    return G.conv2d(i, k)",
            CONV,
        ),
        (
            "def conv2d_single(i, k, stride=1, padding=0):\n"
            "    from torch.nn.functional import conv2d\n    return conv2d(i, k)",
            CONV,
        ),
        (
            "def conv2d_single(i, k, stride=1, padding=0):\n    return nn.Conv2d(1, 1, 3)(i)",
            "torch.nn.Conv2d",
        ),
        ("def conv2d_single(i, k, stride=1, padding=0):\n    return getattr(F, 'conv2d')(i, k)", CONV),
        ("def conv2d_single(i, k, stride=1, padding=0):\n    return F.__dict__['conv2d'](i, k)", CONV),
        (
            "import importlib\n\ndef conv2d_single(i, k, stride=1, padding=0):\n"
            "    return importlib.import_module('torch.nn.functional').conv2d(i, k)",
            CONV,
        ),
        (
            "from torch.nn.functional import *\n\ndef conv2d_single(i, k, stride=1, padding=0):\n"
            "    return conv2d(i, k)",
            CONV,
        ),
        ("conv2d_single = F.conv2d", CONV),
        ("conv2d_single = lambda i, k, stride=1, padding=0: F.conv2d(i, k)", CONV),
        (
            "def helper(i, k):\n    return F.conv2d(i[None, None], k[None, None])[0, 0]\n\n"
            "def conv2d_single(i, k, stride=1, padding=0):\n    return helper(i, k)",
            CONV,
        ),
        (
            "class MyConv(nn.Conv2d):\n    pass\n\n"
            "def conv2d_single(i, k, stride=1, padding=0):\n    return MyConv(1, 1, 3)(i)",
            "torch.nn.Conv2d",
        ),
        (
            "class Helper:\n    def run(self, i, k):\n        return torch.nn.functional.conv2d(i, k)\n\n"
            "def conv2d_single(i, k, stride=1, padding=0):\n    return Helper().run(i, k)",
            CONV,
        ),
    ],
)
def test_every_alias_of_torchs_convolution_is_followed(cell: str, expected: str) -> None:
    assert expected in used(cell)


def test_a_parameter_named_like_a_module_is_not_the_module() -> None:
    cell = "def conv2d_single(F, kernel, stride=1, padding=0):\n    return F.conv2d(kernel)"
    assert CONV not in used(cell)


def test_other_cells_do_not_count() -> None:
    check = "expected = F.conv2d(torch.zeros(1, 1, 5, 5), torch.zeros(1, 1, 3, 3))"
    assert CONV not in used(BY_HAND, check)


def test_the_definition_that_counts_is_the_last_one() -> None:
    # A notebook that defines the function twice: the later definition is the one that runs.
    first = "def conv2d_single(i, k, stride=1, padding=0):\n    return F.conv2d(i, k)"
    assert CONV not in used(first, BY_HAND)
    assert CONV in used(BY_HAND, first)


def test_an_undefined_name_and_broken_cells_use_nothing() -> None:
    assert used("def conv2d_single(:\n") == frozenset()
    assert names_used(["x = 1"], "conv2d_single") == frozenset()


def test_known_names_of_a_live_kernel_count() -> None:
    cell = "def conv2d_single(i, k, stride=1, padding=0):\n    return G.conv2d(i, k)"
    assert CONV in names_used([cell], "conv2d_single", known={"G": "torch.nn.functional"})


@pytest.mark.parametrize(
    "name",
    [
        "torch.conv2d",
        "torch.nn.functional.conv2d",
        "torch.nn.functional.conv1d",
        "torch.nn.functional.conv_transpose2d",
        "torch.nn.Conv2d",
        "torch.nn.modules.conv.Conv2d",
        "torch.nn.LazyConv2d",
        "torch.convolution",
        "torch._convolution",
    ],
)
def test_every_spelling_of_torchs_convolution_is_one_family(name: str) -> None:
    assert torch_names({name, "torch.stack"}, TORCH_CONVOLUTION) == [name]


@pytest.mark.parametrize(
    "name", ["torch.nn.functional.unfold", "torch.nn.Unfold", "torch.nn.functional.pad", "numpy.convolve"]
)
def test_unfold_pad_and_other_libraries_are_no_torch_convolution(name: str) -> None:
    assert torch_names({name}, TORCH_CONVOLUTION) == []
    assert torch_names({name}, TORCH_POOLING) == []


@pytest.mark.parametrize(
    "name",
    [
        "torch.max_pool2d",
        "torch.nn.functional.max_pool2d",
        "torch.nn.functional.max_pool2d_with_indices",
        "torch.nn.functional.adaptive_max_pool2d",
        "torch.nn.MaxPool2d",
        "torch.nn.AdaptiveMaxPool2d",
        "torch.nn.functional.avg_pool2d",
    ],
)
def test_every_spelling_of_torchs_pooling_is_one_family(name: str) -> None:
    assert torch_names({name, "torch.amax"}, TORCH_POOLING) == [name]
