"""PyTorch as the oracle: what each question's answer must compute, checked on a namespace.

``problems(question, namespace)`` lists how the names a cell defined differ from what PyTorch
computes (empty: the answer is right). It runs student cells of the library in this process, so
it is only ever used on right, mistaken and half-done variants, never on hostile ones.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

Namespace = dict[str, Any]
Checker = Callable[[Namespace], Iterator[str]]


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _n_params(module: nn.Module, *, trainable: bool = False) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable)


# -- lab6: functions ---------------------------------------------------------------------------

CONV_CASES = [
    (n, k, s, p)
    for n, k, s, p in itertools.product((5, 7, 12, 28, 100), (1, 2, 3, 5), (1, 2, 3), (0, 1, 2))
    if n + 2 * p >= k
]


def conv_output_size(ns: Namespace) -> Iterator[str]:
    f = ns["conv_output_size"]
    for n, k, s, p in CONV_CASES:
        want = nn.Conv2d(1, 1, k, stride=s, padding=p)(torch.zeros(1, 1, n, n)).shape[-1]
        got = f(n, k, stride=s, padding=p)
        if not isinstance(got, numbers.Integral) or got != want:
            yield f"conv_output_size({n}, {k}, stride={s}, padding={p}) = {got!r}, nn.Conv2d gives {want}"


def conv2d_single(ns: Namespace) -> Iterator[str]:
    f = ns["conv2d_single"]
    g = _gen(0)
    for (h, w), (kh, kw), s, p in itertools.product(
        ((5, 5), (7, 9), (8, 6)), ((3, 3), (2, 3), (1, 1)), (1, 2), (0, 1)
    ):
        image, kernel = torch.randn(h, w, generator=g), torch.randn(kh, kw, generator=g)
        want = F.conv2d(image[None, None], kernel[None, None], stride=s, padding=p)[0, 0]
        got = f(image, kernel, stride=s, padding=p)
        if (
            not isinstance(got, torch.Tensor)
            or got.shape != want.shape
            or not torch.allclose(got, want, atol=1e-4)
        ):
            yield f"conv2d_single on {h}x{w} with a {kh}x{kw} kernel, stride {s}, padding {p}"


def max_pool2d_single(ns: Namespace) -> Iterator[str]:
    f = ns["max_pool2d_single"]
    g = _gen(1)
    for (h, w), k in itertools.product(((4, 4), (5, 7), (9, 6)), (1, 2, 3)):
        image = torch.randn(h, w, generator=g)
        want = F.max_pool2d(image[None, None], k)[0, 0]
        got = f(image, k)
        if not isinstance(got, torch.Tensor) or got.shape != want.shape or not torch.allclose(got, want):
            yield f"max_pool2d_single on {h}x{w} with window {k}"


def param_counts(ns: Namespace) -> Iterator[str]:
    conv, linear = ns["conv2d_param_count"], ns["linear_param_count"]
    for c_in, c_out, k, bias in itertools.product((1, 3), (2, 8), (3, (3, 5), (1, 1)), (True, False)):
        want = _n_params(nn.Conv2d(c_in, c_out, k, bias=bias))
        if conv(c_in, c_out, k, bias=bias) != want:
            yield f"conv2d_param_count({c_in}, {c_out}, {k}, bias={bias}) != {want}"
    for n_in, n_out, bias in itertools.product((1, 16, 1250), (1, 10), (True, False)):
        want = _n_params(nn.Linear(n_in, n_out, bias=bias))
        if linear(n_in, n_out, bias=bias) != want:
            yield f"linear_param_count({n_in}, {n_out}, bias={bias}) != {want}"


# -- lab6: models -----------------------------------------------------------------------------


def reference_cnn() -> nn.Module:
    """The contract's pooled CNN, built from its operations."""
    return nn.Sequential(
        nn.Conv2d(1, 3, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(3, 2, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1250, 1),
    )  # fmt: skip


def reference_fcnn(input_size: int) -> nn.Module:
    sizes = [input_size, 256, 128, 64, 32]
    layers: list[nn.Module] = []
    for a, b in itertools.pairwise(sizes):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(32, 16), nn.Linear(16, 1))


def reference_convnet(input_channels: int) -> nn.Module:
    layers: list[nn.Module] = []
    for i in range(5):
        layers += [nn.Conv2d(input_channels if i == 0 else 3, 3, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(49152, 1))


def used_parameters(model: nn.Module, input_shape: tuple[int, ...]) -> list[nn.Parameter]:
    """The parameters a backward pass reaches, in the order of the layers forward runs them.

    A layer that forward never uses is not part of the network; the order is forward's own, so a
    model that registers its second convolution first is paired with the reference layer by layer.
    """
    order: dict[int, nn.Parameter] = {}  # by identity: tensors compare elementwise
    hooks = [
        module.register_forward_hook(
            lambda m, _i, _o: order.update(
                {id(p): p for p in m.parameters(recurse=False) if id(p) not in order}
            )
        )
        for module in model.modules()
    ]
    try:
        model(torch.randn(*input_shape, generator=_gen(5))).sum().backward()
    finally:
        for hook in hooks:
            hook.remove()
    reached = {id(p): p for p in model.parameters() if p.grad is not None}
    model.zero_grad(set_to_none=True)
    ordered = [p for key, p in order.items() if key in reached]
    return ordered + [p for key, p in reached.items() if key not in order]


def same_computation(found: nn.Module, expected: nn.Module, input_shape: tuple[int, ...]) -> str | None:
    """None if ``found`` computes what ``expected`` does once it holds the same weights, else why not."""
    mine_all, theirs_all = used_parameters(found, input_shape), used_parameters(expected, input_shape)
    shapes = [tuple(p.shape) for p in mine_all]
    if shapes != [tuple(p.shape) for p in theirs_all]:
        return f"parameter shapes {shapes}"
    g = _gen(2)
    with torch.no_grad():  # fresh weights of both signs, the same in both models
        for mine, theirs in zip(mine_all, theirs_all, strict=True):
            scale = 0.1 if mine.dim() == 1 else mine[0].numel() ** -0.5  # small biases keep signs mixed
            mine.copy_(torch.randn(mine.shape, generator=g) * scale)
            theirs.copy_(mine)
    found.eval()
    expected.eval()
    x = torch.randn(*input_shape, generator=g)
    with torch.no_grad():
        got, want = found(x), expected(x)
    if got.shape != want.shape or not torch.allclose(got, want, atol=1e-5):
        return f"different outputs on a random {tuple(input_shape)} input"
    return None


def cnn(ns: Namespace) -> Iterator[str]:
    model = ns["CNN"]()
    used = used_parameters(model, (2, 1, 100, 100))
    if sum(p.numel() for p in used) != _n_params(reference_cnn()) or not all(p.requires_grad for p in used):
        yield f"{sum(p.numel() for p in used)} parameters used by forward"
    if (why := same_computation(model, reference_cnn(), (8, 1, 100, 100))) is not None:
        yield f"CNN: {why}"


def fcnn_vs_convnet(ns: Namespace) -> Iterator[str]:
    for size in (128 * 128, 20, 37):
        if (why := same_computation(ns["FCNN"](size), reference_fcnn(size), (2, size))) is not None:
            yield f"FCNN({size}): {why}"
    for channels in (1, 3):
        model = ns["ConvNet"](channels)
        if (why := same_computation(model, reference_convnet(channels), (2, channels, 128, 128))) is not None:
            yield f"ConvNet({channels}): {why}"


def linear_in_features(ns: Namespace) -> Iterator[str]:
    features = nn.Sequential(
        nn.Conv2d(3, 8, 5), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.MaxPool2d(2)
    )
    want = features(torch.zeros(1, 3, 64, 64)).flatten(1).shape[1]
    got = as_int(ns["linear_in_features"])
    if got != want:
        yield f"linear_in_features = {ns['linear_in_features']!r}, the layers give {want}"


# -- lab6: the budget CNN, checked against its rules ---------------------------------------------

BUDGET = 50_000
NONLINEAR = ("relu", "gelu", "tanh", "sigmoid", "elu", "silu", "leaky", "softplus", "mish", "hardtanh")


def op_names(model: nn.Module) -> list[str]:
    """Lower-case names of the operations a traced model performs (modules by their class)."""
    graph = torch.fx.symbolic_trace(model).graph
    modules = dict(model.named_modules())
    names = []
    for node in graph.nodes:
        if node.op == "call_module":
            names.append(type(modules[str(node.target)]).__name__.lower())
        elif node.op in ("call_function", "call_method"):
            names.append(getattr(node.target, "__name__", str(node.target)).lower())
    return names


def budget_cnn(ns: Namespace) -> Iterator[str]:
    cls = ns["BudgetCNN"]
    yield from _budget_rules(cls())
    for classes, batch in ((10, 1), (3, 4), (37, 2)):
        model = cls(num_classes=classes)
        out = model(torch.randn(batch, 3, 64, 64, generator=_gen(3)))
        if tuple(out.shape) != (batch, classes):
            yield f"BudgetCNN({classes}) on a batch of {batch}: output {tuple(out.shape)}"
            continue
        loss = F.cross_entropy(out, torch.arange(batch) % classes)
        loss.backward()
        if any(
            p.grad is None or not torch.isfinite(p.grad).all() for p in model.parameters() if p.requires_grad
        ):
            yield f"BudgetCNN({classes}): a trainable parameter without a finite gradient"


def _budget_rules(model: nn.Module) -> Iterator[str]:
    if (n := _n_params(model, trainable=True)) > BUDGET:
        yield f"{n:,} trainable parameters"
    ops = op_names(model)
    if sum("conv" in op for op in ops) < 2:
        yield f"fewer than two convolutions in {ops}"
    if not any("pool" in op for op in ops):
        yield f"no pooling in {ops}"
    if not any(word in op for op in ops for word in NONLINEAR):
        yield f"no nonlinearity in {ops}"


# -- quiz6: the loose formats of the contract ----------------------------------------------------


def as_int(value: Any) -> int | None:
    """An integer answer: any real number equal to an int (not bool, not str)."""
    if isinstance(value, (bool, str)) or not isinstance(value, (numbers.Real, np.number)):
        return None
    return int(value) if float(value).is_integer() else None


def as_letters(value: Any) -> frozenset[str] | None:
    """Letters, case-insensitive and stripped, from a string or a collection of strings; "(C)" is C."""
    if isinstance(value, str):
        return frozenset(value.strip().strip("()").upper())
    if isinstance(value, (set, frozenset, list, tuple)) and all(isinstance(v, str) for v in value):
        return frozenset(v.strip().strip("()").upper() for v in value)
    return None


def as_letter(value: Any) -> str | None:
    letters = as_letters(value) if isinstance(value, str) else None
    return next(iter(letters)) if letters is not None and len(letters) == 1 else None


def as_shape(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 1:
        value = value.tolist()
    if not isinstance(value, (tuple, list, torch.Size)):
        return None
    ints = [as_int(v) for v in value]
    return None if any(i is None for i in ints) else tuple(i for i in ints if i is not None)


def as_nested(value: Any) -> torch.Tensor | None:
    if isinstance(value, (list, np.ndarray, torch.Tensor)):
        try:
            return torch.as_tensor(np.asarray(value, dtype=float))
        except (TypeError, ValueError):
            return None
    return None


def _conv_shape(k: int, n: int = 100, **kwargs: Any) -> tuple[int, ...]:
    return tuple(nn.Conv2d(1, 1, k, **kwargs)(torch.zeros(1, 1, n, n)).shape)


def quiz_key() -> dict[str, tuple[Callable[[Any], Any], Any]]:
    """q -> (normaliser, the right answer), every number computed by PyTorch."""
    options_q1 = {"A": (4, 4), "B": (3, 3), "C": (2, 2)}
    q1 = next(k for k, v in options_q1.items() if v == _conv_shape(3, n=4)[2:])
    no_pool = nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.Conv2d(3, 2, 3, padding=1), nn.ReLU()
    )
    flat = no_pool(torch.zeros(1, 1, 100, 100)).flatten(1).shape[1]
    pooled = F.max_pool2d(
        torch.tensor([[1.0, 3, 2, 9], [7, 4, 1, 5], [8, 5, 2, 3], [4, 2, 1, 4]])[None, None], 2
    )
    return {
        "q1": (as_letter, q1),
        "q2": (as_letters, frozenset({"C"}) if nn.Conv2d(3, 3, 3).weight.dim() == 4 else None),
        "q3": (as_int, _n_params(nn.Conv2d(3, 3, (3, 3)))),
        "q4": (as_shape, _conv_shape(5)),
        "q5": (as_int, next(p for p in range(51) if _conv_shape(51, padding=p)[2:] == (100, 100))),
        "q6": (as_shape, _conv_shape(25, stride=3)[2:]),
        "q7": (as_shape, tuple(nn.Conv2d(3, 8, kernel_size=5).weight.shape)),
        "q8": (as_nested, pooled[0, 0]),
        "q9": (as_int, _n_params(nn.Linear(flat, 1))),
        "q10": (as_letter, "B"),
    }


def quiz_answer(question: str) -> Checker:
    def check(ns: Namespace) -> Iterator[str]:
        normalise, want = quiz_key()[question]
        got = normalise(ns[question])
        same = got is not None and (
            torch.equal(got, want.to(got.dtype)) if isinstance(want, torch.Tensor) else got == want
        )
        if not same:
            yield f"{question} = {ns[question]!r}"

    return check


CHECKERS: dict[str, Checker] = {
    "conv_output_size": conv_output_size,
    "conv2d_single": conv2d_single,
    "max_pool2d_single": max_pool2d_single,
    "param_counts": param_counts,
    "cnn": cnn,
    "fcnn_vs_convnet": fcnn_vs_convnet,
    "linear_in_features": linear_in_features,
    "budget_cnn": budget_cnn,
    **{f"q{i}": quiz_answer(f"q{i}") for i in range(1, 11)},
}


def run_cell(source: str) -> tuple[Namespace, BaseException | None]:
    """Execute a cell as a notebook would (a failing cell keeps what it defined before failing)."""
    ns: Namespace = {"__name__": "__main__"}
    try:
        exec(compile(source, "<cell>", "exec"), ns)
    except Exception as exc:
        return ns, exc
    return ns, None


def problems(question: str, ns: Namespace) -> list[str]:
    """How the answer in ``ns`` differs from PyTorch's (a raised exception is a problem too)."""
    try:
        return list(CHECKERS[question](ns))
    except Exception as exc:
        return [f"{type(exc).__name__}: {exc}"]
