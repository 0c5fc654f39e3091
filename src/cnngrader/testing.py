"""What hidden tests import: the submission they receive, and the exceptions that end a test.

A hidden test never imports student code; it gets a :class:`Submission` through the ``sub``
fixture. In ``cnngrader`` that object talks to a confined process and hands back data and
rebuilt models; in the nbgrader (in-kernel) path it wraps the kernel's own objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import torch


class StudentProblem(Exception):
    """Base of the exceptions that describe something about the student's code, in their words."""


class NotAttempted(StudentProblem):
    """The answer is still the unchanged stub (or the name was never defined by an attempt)."""


class StudentError(StudentProblem):
    """The student's code raised, or returned something that cannot be graded."""


class StudentTimeout(StudentProblem):
    """The student's code ran out of time."""


class Submission(Protocol):
    """The student's answers as the hidden tests see them."""

    def value(self, name: str) -> Any:
        """The value bound to ``name`` at the end of the notebook."""

    def function(self, name: str) -> Callable[..., Any]:
        """A callable that runs the student's function ``name`` on the arguments given."""

    def model(self, class_name: str, *args: Any, **kwargs: Any) -> torch.nn.Module:
        """A fresh instance of the student's ``nn.Module`` subclass ``class_name``."""

    def uses(self, name: str) -> frozenset[str]:
        """Dotted names of the library objects the notebook's ``name`` refers to (its helpers included),
        read from the notebook's code with imports and aliases followed: ``{"torch.nn.functional.pad",
        ...}``. The evidence for rules on *how* an answer computes; see :mod:`cnngrader.read.uses`."""
