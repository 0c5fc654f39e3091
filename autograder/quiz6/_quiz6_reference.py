"""Helpers of the quiz6 hidden tests: each question's right answer, computed with torch from the
student's numbers (``_quiz6_draw``), and answer checks whose messages never give the answer away.

The numbers a student gets are drawn by ``_quiz6_draw`` (the same code the notebook shows); what
is right for them is decided here by PyTorch (shapes on "meta" tensors, parameter counts of real
layers), never by a formula typed a second time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from _quiz6_draw import LETTERS, draw
from torch import nn

from cnngrader.answers import as_letter, as_letters


def params(student: str | None, question: str) -> dict[str, Any]:
    """This student's numbers for ``question`` (None: the canonical ones, the lecture's)."""
    return draw(student)[question]


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def conv_shape(image: tuple[int, ...], kernel: tuple[int, ...], **kwargs: int) -> tuple[int, ...]:
    """The output shape of F.conv2d for these shapes (computed on "meta": no arithmetic)."""
    x, w = torch.empty(*image, device="meta"), torch.empty(*kernel, device="meta")
    return tuple(F.conv2d(x, w, **kwargs).shape)


def accepts(layer: nn.Module, shape: Sequence[int]) -> bool:
    """Whether ``layer`` takes an input of this shape."""
    try:
        layer(torch.empty(*shape, device="meta"))
    except RuntimeError:
        return False
    return True


def meta_conv(layer: tuple[int, int, int] | None) -> nn.Conv2d:
    in_channels, out_channels, kernel = layer or (3, 8, 3)
    return nn.Conv2d(in_channels, out_channels, kernel, device="meta")


# -- each question's right answer -------------------------------------------------------------


def q1_answer(p: dict[str, Any]) -> str:
    n, k = p["size"], p["kernel"]
    shape = conv_shape((1, 1, n, n), (1, 1, k, k))[2:]
    return letter_of(p["options"], lambda option: tuple(option) == shape)


def statement_is_true(s: dict[str, Any]) -> bool:
    """Each kind of statement of q2, decided by torch."""
    kind = s["kind"]
    layer = meta_conv(s.get("layer"))
    if kind == "input_dims":  # a tensor of that many dimensions whose sizes fit the layer
        shape = (2, layer.in_channels, 9, 9)[-s["dims"] :] if s["dims"] <= 4 else (1,) * s["dims"]
        return accepts(layer, shape)
    if kind == "output_dims":
        batch, (height, width) = s.get("batch", 2), s.get("size", (9, 9))
        out = layer(torch.empty(batch, layer.in_channels, height, width, device="meta"))
        return bool(out.dim() == s["dims"])
    if kind == "weight_dims":
        return layer.weight.dim() == s["dims"]
    if kind == "bias_count":
        assert layer.bias is not None
        return layer.bias.numel() == s["count"]
    if kind == "any_image_size":  # the same layer serves both sizes: its parameters are its own
        small, large = s["sizes"]
        on_small = count(layer) if accepts(layer, (1, layer.in_channels, small, small)) else -1
        on_large = count(layer) if accepts(layer, (1, layer.in_channels, large, large)) else -1
        return on_large == s["times"] * on_small
    if kind == "pool_parameters":
        return count(nn.MaxPool2d(s["window"])) == s["count"]
    if kind == "relu_parameters":
        return (count(nn.ReLU()) > 0) == s["learns"]
    if kind == "more_linear_always":
        return not fewer_parameters_with_another_linear()
    if kind == "more_conv_always":
        return not fewer_parameters_with_more_convs()
    raise ValueError(f"unknown kind of statement {kind!r}")


@functools.cache
def fewer_parameters_with_another_linear() -> bool:
    """A counterexample to "more fully connected layers always add parameters": a narrow layer
    inserted after the flatten step shrinks the wide layer that followed it."""
    with torch.device("meta"):
        body = [nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten()]
        one = nn.Sequential(*body, nn.Linear(4 * 32 * 32, 10))
        two = nn.Sequential(*body, nn.Linear(4 * 32 * 32, 2), nn.Linear(2, 10))
    return count(two) < count(one)


@functools.cache
def fewer_parameters_with_more_convs() -> bool:
    """A counterexample to "more convolutional layers always mean more parameters": two small
    convolutions against one large one."""
    with torch.device("meta"):
        one = nn.Sequential(nn.Conv2d(3, 64, 7))
        two = nn.Sequential(nn.Conv2d(3, 3, 3), nn.Conv2d(3, 3, 3))
    return count(two) < count(one)


def q2_answer(p: dict[str, Any]) -> frozenset[str]:
    return frozenset(LETTERS[i] for i, s in enumerate(p["statements"]) if statement_is_true(s))


def q3_layer(p: dict[str, Any]) -> nn.Conv2d:
    return nn.Conv2d(p["in_channels"], p["out_channels"], kernel_size=p["kernel_size"], device="meta")


def q3_answer(p: dict[str, Any]) -> int:
    return count(q3_layer(p))


def q4_answer(p: dict[str, Any]) -> tuple[int, ...]:
    n, c, h, w = p["input"]
    k = p["kernel_size"]
    return conv_shape((n, c, h, w), (p["out_channels"], c, k, k))


def q5_keeps_size(p: dict[str, Any], padding: int) -> bool:
    n, k = p["size"], p["kernel"]
    return padding >= 0 and conv_shape((1, 1, n, n), (1, 1, k, k), padding=padding)[2:] == (n, n)


def q5_answer(p: dict[str, Any]) -> int:
    """The padding that keeps the size, found by bisection (more padding never shrinks the output)."""
    n, k = p["size"], p["kernel"]
    low, high = 0, k
    while low < high:
        middle = (low + high) // 2
        if conv_shape((1, 1, n, n), (1, 1, k, k), padding=middle)[2] < n:
            low = middle + 1
        else:
            high = middle
    if not q5_keeps_size(p, low):
        raise AssertionError(f"no padding keeps a {n}x{n} image under a {k}x{k} kernel")
    return low


def q6_answer(p: dict[str, Any]) -> tuple[int, ...]:
    (h, w), k = p["size"], p["kernel"]
    return conv_shape((1, 1, h, w), (1, 1, k, k), stride=p["stride"])[2:]


def q7_answer(p: dict[str, Any]) -> tuple[int, ...]:
    layer = nn.Conv2d(p["in_channels"], p["out_channels"], kernel_size=p["kernel_size"], device="meta")
    return tuple(layer.weight.shape)


def q8_image(p: dict[str, Any]) -> torch.Tensor:
    return torch.tensor(p["grid"], dtype=torch.float64)


def q8_answer(p: dict[str, Any]) -> torch.Tensor:
    w = p["window"]
    return F.max_pool2d(q8_image(p)[None, None], w, stride=w)[0, 0]


def q9_final_linear(p: dict[str, Any]) -> nn.Linear:
    """Sized by running the convolutions on the image (on "meta": shapes only; ReLU keeps shapes)."""
    shape: tuple[int, ...] = (1, *p["image"])
    for in_channels, out_channels, kernel, padding in p["convs"]:
        shape = conv_shape(shape, (out_channels, in_channels, kernel, kernel), padding=padding)
    return nn.Linear(int(torch.Size(shape[1:]).numel()), p["outputs"], device="meta")


def q9_answer(p: dict[str, Any]) -> int:
    return count(q9_final_linear(p))


def q10_accepted(p: dict[str, Any], option: Sequence[Any]) -> bool:
    """Whether nn.Conv2d(3, ...) takes a batch laid out as ``option``: a shape, or the names of the
    dimensions (then given distinct sizes, which tell them apart)."""
    if all(isinstance(d, str) for d in option):
        sizes = {"batch": 2, "channels": 3, "height": 5, "width": 7}
        option = [sizes[d] for d in option]
    return accepts(rgb_conv(), option)


@functools.cache
def rgb_conv() -> nn.Conv2d:
    return nn.Conv2d(3, 4, 3, device="meta")


def q10_answer(p: dict[str, Any]) -> str:
    return letter_of(p["options"], lambda option: q10_accepted(p, option))


def letter_of(options: Sequence[Any], right: Callable[[Any], bool]) -> str:
    letters = [LETTERS[i] for i, option in enumerate(options) if right(option)]
    if len(letters) != 1:
        raise AssertionError(f"the course's question has {len(letters)} right options, not one")
    return letters[0]


ANSWERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "q1": q1_answer, "q2": q2_answer, "q3": q3_answer, "q4": q4_answer, "q5": q5_answer,
    "q6": q6_answer, "q7": q7_answer, "q8": q8_answer, "q9": q9_answer, "q10": q10_answer,
}  # fmt: skip


def right_answer(student: str | None, question: str) -> Any:
    """The right answer of ``question`` for this student, as torch computes it."""
    return ANSWERS[question](params(student, question))


def option_meaning(student: str | None, question: str, letter: str) -> Any:
    """What the option ``letter`` of a multiple-choice question says, for this student (a shape, an
    order of dimensions, a statement); None for a letter that is not one of its options."""
    p = params(student, question)
    options = p["options"] if "options" in p else p["statements"]
    index = LETTERS.find(letter.strip().upper()) if len(letter.strip()) == 1 else -1
    return options[index] if 0 <= index < len(options) else None


def option_labels(question: str, p: dict[str, Any]) -> dict[str, str]:
    """Each letter's option by what it means, the same words whatever letter a student got it under
    (for item analysis: which wrong option students choose)."""
    if question == "q1":
        n, k = p["size"], p["kernel"]
        names = {n: "the input's size", n - k: "n-k", n - k + 1: "n-k+1", n - k + 2: "n-k+2"}
        return {LETTERS[i]: names.get(option[0], "other") for i, option in enumerate(p["options"])}
    if question == "q10":
        return {LETTERS[i]: ", ".join(dimension_names(p, option)) for i, option in enumerate(p["options"])}
    if question == "q2":
        return {
            LETTERS[i]: f"{s['kind']} ({'true' if statement_is_true(s) else 'false'})"
            for i, s in enumerate(p["statements"])
        }
    return {}


def dimension_names(p: dict[str, Any], option: Sequence[Any]) -> list[str]:
    if all(isinstance(d, str) for d in option):
        return list(option)
    height, width = p["size"]
    names = {p["batch"]: "batch", 3: "channels", height: "height", width: "width"}
    return [names[d] for d in option]


# -- checks with messages for the student -----------------------------------------------------


def options_of(p: dict[str, Any]) -> str:
    return LETTERS[: len(p["options"] if "options" in p else p["statements"])]


def check_letter(found: object, name: str, options: str, right: str) -> None:
    letter = as_letter(found, name)
    if letter not in options:
        raise AssertionError(f"{name} should be one of {', '.join(options)}; found {letter!r}")
    if letter != right:
        raise AssertionError(f"{name} = {letter!r} is not the right answer")


def check_letters(found: object, name: str, options: str, right: frozenset[str]) -> None:
    letters = as_letters(found, name)
    if not letters <= set(options):
        raise AssertionError(
            f"{name} should only contain letters among {', '.join(options)}; found {sorted(letters)}"
        )
    if letters != right:
        raise AssertionError(f"{name} = {sorted(letters)} is not the right selection")


def wrong(name: str, found: object, hint: str = "") -> AssertionError:
    return AssertionError(f"{name} = {found} is not the right answer" + (f". Hint: {hint}" if hint else ""))
