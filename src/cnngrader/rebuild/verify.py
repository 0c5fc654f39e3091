"""Trusted side: the rebuilt model must reproduce the student's own model before it is graded.

A forward pre-hook on each rebuilt module checks every new input signature (shapes and dtypes)
once: first on the meta device, so that no intermediate can be larger than the grader allows,
then on a fresh random input (never the test's input), comparing the student's forward in the
child with a pristine rebuilt copy. A forward that behaves differently while traced is caught.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn
from torch.utils.hooks import RemovableHandle

from cnngrader.rebuild.copies import fresh_copy
from cnngrader.rebuild.shapes import MetaInterpreter
from cnngrader.testing import StudentError, StudentProblem

Reference = Callable[..., Any]
Signature = tuple[tuple[tuple[int, ...], torch.dtype], ...]
MAX_ELEMENTS = 2**27  # 512 MiB of float32 in any one intermediate
_TRACED_HINT = ("Does forward behave differently when traced (checks on the input's type, Python-side "
                "state, or randomness in eval mode)?")
_CHECKS: weakref.WeakKeyDictionary[nn.Module, ReproductionCheck] = weakref.WeakKeyDictionary()


class ReproductionCheck:
    """Verifies a rebuilt model against ``reference`` (the student's forward, run in the child)."""

    def __init__(self, pristine: nn.Module, reference: Reference, *, name: str = "the model",
                 rtol: float = 1e-4, atol: float = 1e-5, max_elements: int = MAX_ELEMENTS,
                 sizes: SizeCheck | None = None) -> None:
        """``sizes`` may be shared by the checks of models of one structure (a worker's skeletons)."""
        self._pristine = pristine  # rebuilt from the description, never handed to a test
        self._reference = reference
        self._name = name
        self._rtol, self._atol = rtol, atol
        self._sizes = sizes or SizeCheck(pristine, name=name, max_elements=max_elements)
        self._verified: set[Signature] = set()
        self._fail_alike: set[Signature] = set()
        self._generator = torch.Generator().manual_seed(secrets.randbits(62))

    def attach(self, module: nn.Module) -> RemovableHandle:
        _CHECKS[module] = self
        return module.register_forward_pre_hook(self._hook)

    def confirm(self, signature: Signature, *, runs: bool) -> None:
        """Before a model's steps are judged: they must be the student's forward's own.

        A rebuilt model that ``runs`` on ``signature`` must reproduce the student's outputs
        (:meth:`check`); one that fails on it is judged up to the failing step, so the
        student's forward must fail on such an input too.
        """
        if runs:
            self.check(signature)
            return
        if signature in self._fail_alike:
            return
        inputs = [_random(shape, dtype, self._generator) for shape, dtype in signature]
        try:
            self._reference(*inputs)
        except StudentProblem:
            self._fail_alike.add(signature)
            return
        shapes = ", ".join(_shape(shape) for shape, _ in signature)
        raise StudentError(
            f"the grader rebuilt {self._name} from its layers and operations; the rebuilt model fails "
            f"on an input of shape {shapes} but {self._name}.forward does not. {_TRACED_HINT}"
        )

    def check(self, signature: Signature) -> None:
        """Raise StudentError unless the rebuilt model reproduces the student's on this signature."""
        if signature in self._verified:
            return
        self._sizes.check(signature)
        inputs = [_random(shape, dtype, self._generator) for shape, dtype in signature]
        expected = self._reference(*inputs)
        with _eval(self._pristine), torch.no_grad():
            got = self._pristine(*inputs)
        problem = difference(expected, got, rtol=self._rtol, atol=self._atol)
        if problem is not None:
            shapes = ", ".join(_shape(shape) for shape, _ in signature)
            raise StudentError(
                f"the grader rebuilt {self._name} from its layers and operations, but the rebuilt "
                f"model does not reproduce {self._name}.forward on a random input of shape {shapes}: "
                f"{problem}. {_TRACED_HINT}"
            )
        self._verified.add(signature)

    def _hook(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        if not args or not all(isinstance(a, torch.Tensor) for a in args):
            raise StudentError(f"the grader can only check models whose forward takes tensors ({self._name})")
        self.check(tuple((tuple(a.shape), a.dtype) for a in args))


class SizeCheck:
    """Whether every step of a model stays under the size limit on inputs of a signature.

    Run on a copy of the model on the meta device, so nothing is allocated; what it finds depends
    only on the model's structure, so the answer for each signature is kept.
    """

    def __init__(self, module: nn.Module, *, name: str = "the model",
                 max_elements: int = MAX_ELEMENTS) -> None:
        self._module = module
        self._name = name
        self._max_elements = max_elements
        self._meta: nn.Module | None = None
        self._problems: dict[Signature, str | None] = {}

    def check(self, signature: Signature) -> None:
        """Raise StudentError if some step would be too large (or the model cannot run at all)."""
        if signature not in self._problems:
            self._problems[signature] = self._find(signature)
        problem = self._problems[signature]
        if problem is not None:
            raise StudentError(problem)

    def _find(self, signature: Signature) -> str | None:
        if self._meta is None:
            self._meta = fresh_copy(self._module, meta=True)
        inputs = [torch.empty(shape, dtype=dtype, device="meta") for shape, dtype in signature]
        limiter = _SizeLimiter(self._meta, self._max_elements)
        try:
            with _eval(self._meta), torch.no_grad():
                limiter.run(*inputs)
        except StudentError as exc:
            return str(exc)
        except Exception as exc:
            shapes = ", ".join(_shape(shape) for shape, _ in signature)
            return (f"{self._name} cannot run on an input of shape {shapes}: "
                    f"{type(exc).__name__}: {_first_line(exc)}")
        return None


def confirm(module: nn.Module, example: torch.Tensor, *, runs: bool) -> None:
    """:meth:`ReproductionCheck.confirm` for a rebuilt ``module`` on ``example``'s signature.

    A module without a check (a reference model, or a student's live module in the in-kernel
    path) has nothing to confirm.
    """
    check = _CHECKS.get(module)
    if check is not None:
        check.confirm(((tuple(example.shape), example.dtype),), runs=runs)


class _SizeLimiter(MetaInterpreter):
    """Runs the graph on meta tensors and refuses any step that would be too large."""

    def __init__(self, module: nn.Module, max_elements: int) -> None:
        super().__init__(module)
        self.max_elements = max_elements

    def run_node(self, n: torch.fx.Node) -> Any:
        result = super().run_node(n)
        for tensor in _tensors(result):
            if tensor.numel() > self.max_elements:
                raise StudentError(f"step {n.name} of the model would hold {tensor.numel():,} numbers, "
                                   f"more than the grader allows ({self.max_elements:,})")
        return result


def difference(expected: Any, got: Any, *, rtol: float, atol: float) -> str | None:
    """How ``got`` differs from ``expected`` in words, or None if they agree."""
    if isinstance(expected, torch.Tensor) and isinstance(got, torch.Tensor):
        if tuple(expected.shape) != tuple(got.shape):
            return f"output of shape {_shape(got.shape)} instead of {_shape(expected.shape)}"
        e, g = expected.detach().double(), got.detach().double()
        if torch.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True):
            return None
        return f"outputs differ by up to {(g - e).abs().nan_to_num(float('inf')).max().item():.3g}"
    if isinstance(expected, (tuple, list)) and isinstance(got, (tuple, list)):
        if len(expected) != len(got):
            return f"{len(got)} outputs instead of {len(expected)}"
        for e, g in zip(expected, got, strict=True):
            problem = difference(e, g, rtol=rtol, atol=atol)
            if problem is not None:
                return problem
        return None
    if type(expected) is not type(got) and not (_number(expected) and _number(got)):
        return f"an output of type {type(got).__name__} instead of {type(expected).__name__}"
    return None if expected == got else f"output {got!r} instead of {expected!r}"


@contextmanager
def _eval(module: nn.Module) -> Iterator[None]:
    modes = [(m, m.training) for m in module.modules()]
    module.eval()
    try:
        yield
    finally:
        for m, training in modes:
            m.training = training


def _random(shape: Sequence[int], dtype: torch.dtype, generator: torch.Generator) -> torch.Tensor:
    if dtype.is_floating_point:
        return torch.randn(tuple(shape), generator=generator).to(dtype)
    if dtype == torch.bool:
        return torch.randint(0, 2, tuple(shape), generator=generator).bool()
    return torch.randint(0, 10, tuple(shape), generator=generator).to(dtype)


def _tensors(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors(item)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shape(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(d)) for d in shape) + ")"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""
