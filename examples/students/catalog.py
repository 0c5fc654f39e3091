"""Every variant of the library, looked up by question, kind or key (``question/name``)."""

from __future__ import annotations

from collections.abc import Iterable

from students import quiz6, unruly
from students.course import ASSIGNMENTS
from students.lab6 import (
    budget_cnn,
    cnn,
    conv2d_single,
    conv_output_size,
    fcnn_vs_convnet,
    linear_in_features,
    max_pool2d_single,
    param_counts,
)
from students.variant import Kind, Variant, half_done

_MODULES = (
    conv_output_size, conv2d_single, max_pool2d_single, param_counts,
    cnn, fcnn_vs_convnet, linear_in_features, budget_cnn,
)  # fmt: skip


def _stubs() -> tuple[Variant, ...]:
    """The released stub, untouched, for every question of every assignment."""
    return tuple(half_done(q.id, "stub", None) for a in ASSIGNMENTS.values() for q in a.questions)


VARIANTS: tuple[Variant, ...] = (
    *(v for module in _MODULES for v in module.VARIANTS),
    *quiz6.VARIANTS,
    *_stubs(),
    *unruly.BROKEN,
    *unruly.HOSTILE,
)

_BY_KEY = {v.key: v for v in VARIANTS}
if len(_BY_KEY) != len(VARIANTS):
    raise RuntimeError("two variants share a key")


def variant(key: str) -> Variant:
    """The variant ``question/name``."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no variant {key!r}") from None


def select(
    *, assignment: str | None = None, question: str | None = None, kinds: Iterable[Kind] | None = None
) -> tuple[Variant, ...]:
    """The variants that match every filter given, in library order."""
    wanted = None if kinds is None else set(kinds)
    return tuple(
        v
        for v in VARIANTS
        if (assignment is None or v.assignment == assignment)
        and (question is None or v.question == question)
        and (wanted is None or v.kind in wanted)
    )


def reference(question: str) -> Variant:
    """The canonical right answer to ``question``: the first right variant in the library."""
    return select(question=question, kinds=[Kind.RIGHT])[0]
