"""Forgiving readers of student answers, shared by every hidden test.

An answer arrives either as the raw object of the student's kernel (numpy scalars, arrays,
tensors...) or already decoded from the confined process as plain data (int, float, str, list,
tuple, frozenset, ``torch.Tensor``). Each reader accepts every form a person would accept
(``shared/spec/assignments.md``, "Answer formats") and returns one canonical value; anything
else raises an ``AssertionError`` whose message says which *form* was expected and what was
found, never what the right answer is.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

__all__ = ["as_int", "as_letter", "as_letters", "as_nested", "as_shape", "as_tensor", "describe"]

MAX_SHOWN = 60
_SEPARATORS = re.compile(r"[\s,;/&+]+")
# "(C)", "C)", "[c]": the way options are printed in the question, brackets around one letter.
_NO_BRACKETS = str.maketrans("", "", "()[]")
_BRACKETED = re.compile(r"^[(\[]?\s*([A-Za-z])\s*[)\]]?$")


def describe(x: Any) -> str:
    """A short, student-readable account of a value: its type and (abridged) repr."""
    if isinstance(x, torch.Tensor):
        return f"a tensor of shape {tuple(x.shape)} and dtype {str(x.dtype).removeprefix('torch.')}"
    if isinstance(x, np.ndarray):
        return f"a numpy array of shape {x.shape} and dtype {x.dtype}"
    text = repr(x)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 3] + "..."
    return f"{type(x).__name__} {text}"


def _number(x: Any) -> float | int | None:
    """The plain Python number behind ``x`` (int, float, numpy scalar, 0-d tensor/array), else None."""
    if isinstance(x, (bool, np.bool_)):
        return None  # True == 1, but nobody answers a count with True
    if isinstance(x, (torch.Tensor, np.ndarray)):
        if x.ndim != 0:
            return None
        item = x.item()  # a bool or complex item is refused just below
        return item if isinstance(item, (int, float)) and not isinstance(item, bool) else None
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        return float(x)
    return None


def _whole(x: Any) -> int | None:
    """``x`` as an int if it is a number equal to a whole number, else None."""
    value = _number(x)
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    return value


def as_int(x: Any, what: str) -> int:
    """An integer answer: any number equal to a whole number (84, 84.0, numpy.int64(84), tensor(84))."""
    value = _whole(x)
    if value is not None:
        return value
    number = _number(x)
    if number is not None:
        raise AssertionError(f"{what} should be a whole number, found {number!r}")
    raise AssertionError(
        f"{what} should be a whole number (an int, or a number equal to one), found {describe(x)}"
    )


def as_shape(x: Any, what: str) -> tuple[int, ...]:
    """A shape: a tuple, list or ``torch.Size`` of whole numbers, or a 1-D tensor or array of them."""
    if isinstance(x, (torch.Tensor, np.ndarray)) and x.ndim == 1 and not _is_bool_or_complex(x):
        x = x.tolist()
    if not isinstance(x, (tuple, list, torch.Size)):
        raise AssertionError(
            f"{what} should be a shape (a tuple, list or torch.Size of integers), found {describe(x)}"
        )
    dims = [_whole(d) for d in x]
    if any(d is None for d in dims):
        raise AssertionError(f"{what} should contain only whole numbers, found {describe(x)}")
    return tuple(d for d in dims if d is not None)


def as_letter(x: Any, what: str) -> str:
    """One answer letter as an upper-case string: case, spaces and brackets (``"(C)"``) do not matter."""
    if isinstance(x, str):
        found = _BRACKETED.match(x.strip())
        if found:
            return found.group(1).upper()
    raise AssertionError(f'{what} should be one letter in a string, like "A", found {describe(x)}')


def as_letters(x: Any, what: str) -> frozenset[str]:
    """A multi-select answer: a set, list or tuple of letters, or a string such as "A", "a, d", "AD" or
    "(A), (D)"."""
    if isinstance(x, str):
        letters = _SEPARATORS.sub("", x).upper().translate(_NO_BRACKETS)
        if all("A" <= c <= "Z" for c in letters):
            return frozenset(letters)
    elif isinstance(x, (set, frozenset, list, tuple)) and all(isinstance(item, str) for item in x):
        return frozenset(_letters_in(x, what))
    raise AssertionError(
        f'{what} should be letters: a set, list or tuple of letters such as {{"A", "D"}}, '
        f'or a string such as "A, D"; found {describe(x)}'
    )


def _letters_in(items: Iterable[str], what: str) -> Iterable[str]:
    for item in items:
        yield as_letter(item, f"every letter in {what}")


def as_tensor(x: Any, what: str, *, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Numbers in a grid: a (nested) list or tuple, a tensor or a numpy array, as a float tensor."""
    if isinstance(x, torch.Tensor):
        tensor = x.detach()
    elif isinstance(x, np.ndarray) or (isinstance(x, (list, tuple)) and _all_numbers(x)):
        try:
            tensor = torch.as_tensor(np.asarray(x, dtype=np.float64))
        except (ValueError, TypeError):
            raise AssertionError(
                f"{what} should be a rectangular grid of numbers (every row the same length), "
                f"found {describe(x)}"
            ) from None
    else:
        raise AssertionError(f"{what} should be a tensor or a nested list of numbers, found {describe(x)}")
    if tensor.dtype == torch.bool or tensor.is_complex():
        raise AssertionError(f"{what} should hold real numbers, found {describe(x)}")
    return tensor.to(device="cpu", dtype=dtype)


def as_nested(x: Any, what: str) -> list[Any]:
    """Like :func:`as_tensor`, as nested Python lists of floats."""
    result: list[Any] = as_tensor(x, what).tolist()
    return result


def _is_bool_or_complex(x: torch.Tensor | np.ndarray) -> bool:
    if isinstance(x, torch.Tensor):
        return x.dtype == torch.bool or x.is_complex()
    return x.dtype.kind in "bc"


def _all_numbers(x: Any) -> bool:
    """True if ``x`` is a number or a (nested) list/tuple whose leaves are all numbers."""
    if isinstance(x, (list, tuple)):
        return all(_all_numbers(item) for item in x)
    return _number(x) is not None
