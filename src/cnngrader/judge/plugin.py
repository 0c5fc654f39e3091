"""The pytest plugin behind hidden tests: markers, the ``sub``/``rng``/``seed``/``student`` fixtures.

Loaded with ``-p cnngrader.judge.plugin`` both by the trusted judge and by the in-kernel path, so
a hidden test file reads the same in both. Which submission the tests see, and where their
results go, is a :class:`Context` stored on the pytest config.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import torch

from cnngrader.results import Outcome, TestResult
from cnngrader.testing import NotAttempted, StudentError, StudentTimeout, Submission

CONTEXT = pytest.StashKey["Context"]()
_EXCINFO = pytest.StashKey["pytest.ExceptionInfo[BaseException] | None"]()
MAX_MESSAGE = 2000


@dataclass
class Context:
    """The submission under test, the grading seed, whose variant it is, and the results so far."""

    submission: Submission | None = None
    seed: int = 0
    student: str | None = None
    results: dict[str, tuple[str, TestResult]] = field(default_factory=dict)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): how many points this hidden test is worth")
    config.addinivalue_line("markers", "question(id): the nbgrader grade id this test belongs to")
    if CONTEXT not in config.stash:
        config.stash[CONTEXT] = Context()


def context(config: pytest.Config) -> Context:
    return config.stash[CONTEXT]


@pytest.fixture
def sub(request: pytest.FixtureRequest) -> Submission:
    """The student's submission (data and rebuilt models, never the student's interpreter)."""
    submission = context(request.config).submission
    if submission is None:
        raise RuntimeError("no submission is set for the hidden tests")
    return submission


@pytest.fixture
def seed(request: pytest.FixtureRequest) -> int:
    """The grading seed, recorded in the result so a regrade draws the same hidden inputs."""
    return context(request.config).seed


@pytest.fixture
def student(request: pytest.FixtureRequest) -> str | None:
    """The id whose variant this submission is graded with; None: the canonical variant."""
    return context(request.config).student


@pytest.fixture
def rng(request: pytest.FixtureRequest, seed: int) -> torch.Generator:
    """A generator seeded from the grading seed and this test's id: stable per test, per regrade."""
    digest = hashlib.sha256(f"{seed}:{request.node.nodeid}".encode()).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest[:8], "little") & (2**63 - 1))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if (
        call.when == "setup"
        or call.when == "call"
        or (call.when == "teardown" and _EXCINFO not in item.stash)
    ):
        item.stash[_EXCINFO] = call.excinfo
    if call.when == "teardown":
        # Taken out of the stash: its traceback holds the test's frames, and their models, until
        # the next submission otherwise.
        question, result = test_result(item, item.stash.get(_EXCINFO, None))
        del item.stash[_EXCINFO]
        context(item.config).results[item.nodeid] = (question, result)
    return report


def question_of(item: pytest.Item) -> str | None:
    """The grade id a test belongs to: its ``question`` marker (the course check requires one)."""
    marker = item.get_closest_marker("question")
    if marker is not None and marker.args:
        return str(marker.args[0])
    return None


def points_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("points")
    return float(marker.args[0]) if marker is not None and marker.args else 1.0


def display_name(item: pytest.Item) -> str:
    """The first docstring line of the test, else its name in words."""
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    if isinstance(doc, str) and doc.strip():
        return doc.strip().splitlines()[0].strip()
    name = item.name.split("[")[0]
    return name.removeprefix("test_").replace("_", " ")


def test_result(
    item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException] | None
) -> tuple[str, TestResult]:
    """One finished test as (question id, TestResult)."""
    points = points_of(item)
    outcome, message = classify(excinfo)
    score = points if outcome is Outcome.PASSED else 0.0
    return question_of(item) or "", TestResult(display_name(item), score, points, outcome, message)


test_result.__test__ = False  # type: ignore[attr-defined]


def classify(excinfo: pytest.ExceptionInfo[BaseException] | None) -> tuple[Outcome, str]:
    """Map how a test ended to an outcome and a message for the student (never a traceback)."""
    if excinfo is None:
        return Outcome.PASSED, ""
    exc = excinfo.value
    if isinstance(exc, (NotAttempted, NotImplementedError)):
        return Outcome.NOT_ATTEMPTED, _cap(str(exc) or "not attempted yet")
    if isinstance(exc, StudentTimeout):
        return Outcome.TIMEOUT, _cap(str(exc) or "your code ran out of time")
    if isinstance(exc, StudentError):
        return Outcome.ERROR, _cap(str(exc))
    if isinstance(exc, AssertionError):
        return Outcome.FAILED, _cap(author_message(exc))
    if isinstance(exc, pytest.skip.Exception):
        return Outcome.FAILED, _cap(f"skipped: {exc}")
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return Outcome.ERROR, _cap(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def author_message(exc: AssertionError) -> str:
    """What the test author wrote, without the operand dump an assertion-rewriting hook may add."""
    text = str(exc)
    cut = text.find("\nassert ")
    text = text[:cut] if cut >= 0 else text
    return text.strip() or "this check failed"


def _cap(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."
