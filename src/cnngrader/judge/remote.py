"""The submission that hidden tests receive in the trusted path: data, proxies and rebuilt models.

Every answer comes from a confined :class:`~cnngrader.confine.Run` as data. Models are rebuilt
from their description (never from student code) and carry a reproduction check. Problems
become the exceptions of :mod:`cnngrader.testing`, worded for the student.
"""

from __future__ import annotations

import functools
import json
import re
import zlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import torch

from cnngrader.confine import CellReport, CellStatus, Handle, NameInfo, ProbeError, ProbeFailure
from cnngrader.confine.shared.wire import joined, pack
from cnngrader.confine.trusted.run import Run
from cnngrader.judge.recorded import MAX_ANSWERS, recorded_answer
from cnngrader.judge.stages import Stage, StageClock
from cnngrader.read.demos import LEFT_OUT
from cnngrader.read.uses import names_used
from cnngrader.rebuild import ModelDescription, ReproductionCheck, fresh_copy
from cnngrader.rebuild.copies import remember_origin, shareable
from cnngrader.rebuild.skeletons import Skeletons
from cnngrader.rebuild.verify import Signature
from cnngrader.testing import NotAttempted, StudentError, StudentProblem, StudentTimeout

T = TypeVar("T")
READABLE = "numbers, strings, booleans, None, lists, tuples, dicts, sets or tensors"
MAX_ARG_CHARS = 60


class _Model:
    """A model instance in the child and everything the trusted side knows about it."""

    def __init__(self, class_name: str, args: tuple[Any, ...], kwargs: dict[str, Any], seed: int) -> None:
        self.class_name, self.args, self.kwargs, self.seed = class_name, args, kwargs, seed
        self.handle: Handle | None = None
        self.description: ModelDescription | None = None
        self.template: torch.nn.Module | None = None  # rebuilt once; never handed to a test
        self.check: ReproductionCheck | None = None


class RemoteSubmission:
    """:class:`cnngrader.testing.Submission` over a confined run."""

    def __init__(
        self,
        run: Run,
        *,
        cell_numbers: Sequence[int] | None = None,
        clock: StageClock | None = None,
        skeletons: Skeletons | None = None,
    ) -> None:
        """``cell_numbers[i]`` is the notebook index of code cell ``i``, for messages.

        ``skeletons`` are the worker's rebuilt structures, shared by the submissions it grades.
        """
        self._run = run
        self._clock = clock or StageClock()
        self._skeletons = skeletons if skeletons is not None else Skeletons()
        self._cell_numbers = tuple(cell_numbers) if cell_numbers is not None else None
        self._models: dict[tuple[str, str], _Model] = {}
        self._names: dict[tuple[str, int], NameInfo] = {}  # lookups, per child that answered them
        self._uses: dict[str, frozenset[str]] = {}
        self.answers: dict[str, Any] = {}  # what value() read, as the record keeps it

    def value(self, name: str) -> Any:
        try:
            with self._clock.stage(Stage.PROBES):
                found = self._run.value(name)
        except ProbeError as err:
            if err.kind is ProbeFailure.UNSENDABLE:
                raise StudentError(
                    f"{name} holds {err.message}, which the grader cannot read; use {READABLE}"
                ) from None
            raise self._explain(err, name, name) from None
        if name in self.answers or len(self.answers) < MAX_ANSWERS:
            self.answers[name] = recorded_answer(found)
        return found

    def function(self, name: str) -> Callable[..., Any]:
        info = self._lookup(name)
        if not info.defined:
            raise self._missing(name)
        if not info.callable:
            raise StudentError(f"{name} should be a function, but it is a {info.type_name}")
        proxy = functools.partial(self._call, name)
        functools.update_wrapper(proxy, self._call)
        proxy.__name__ = name  # type: ignore[attr-defined]
        return proxy

    def model(self, class_name: str, *args: Any, **kwargs: Any) -> torch.nn.Module:
        """A fresh rebuilt module: the child's instance is made, described and rebuilt once per
        arguments, and each call gets a copy of its own with the same reproduction check."""
        entry = self._entry(class_name, args, kwargs)
        assert entry.template is not None
        with self._clock.stage(Stage.REBUILD):
            module = fresh_copy(entry.template)
            if entry.check is not None:  # an untraceable model computes nothing to check
                entry.check.attach(module)
            remember_origin(module, entry.template)  # steps found on one copy serve the others
        return module

    def uses(self, name: str) -> frozenset[str]:
        """Read from the cells as the trusted side received them: nothing the child does can change it."""
        if name not in self._uses:
            self._uses[name] = names_used(self._run.sources, name)
        return self._uses[name]

    def close(self) -> None:
        self._run.close()
        self._models.clear()  # descriptions, templates and their weights go now, not at the next collection

    # --- calls --------------------------------------------------------------------------------

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        what = call_text(name, args, kwargs)
        return self._probe(name, what, lambda: self._run.call(name, args, kwargs))

    def _entry(self, class_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> _Model:
        key = _key(class_name, args, kwargs)
        if key not in self._models:
            entry = _Model(class_name, args, kwargs, seed=zlib.crc32("\0".join(key).encode()))
            self._load(entry)
            self._models[key] = entry
        return self._models[key]

    def _lookup(self, name: str) -> NameInfo:
        """What ``name`` is in the child, asked once per child (tests ask for a function many times)."""
        key = (name, self._run.generation)
        if key not in self._names:
            self._names[key] = self._probe(name, name, lambda: self._run.lookup(name))
        return self._names[key]

    def _load(self, entry: _Model) -> None:
        info = self._lookup(entry.class_name)
        if not info.defined:
            raise self._missing(entry.class_name)
        if not info.callable:
            raise StudentError(f"{entry.class_name} should be a class, but it is a {info.type_name}")
        entry.handle = self._instantiate(entry)
        # Weights of their own (the payload goes now), which the template's copies can share.
        entry.description = shareable(self._describe(entry, entry.handle))
        with self._clock.stage(Stage.REBUILD):
            entry.template, sizes = self._skeletons.rebuild(entry.description)
        if entry.description.untraceable is None:  # the template is the check's pristine module
            entry.check = _TimedCheck(
                self._clock,
                entry.template,
                functools.partial(self._forward, entry),
                name=entry.class_name,
                sizes=sizes,
            )

    def _instantiate(self, entry: _Model) -> Handle:
        what = call_text(entry.class_name, entry.args, entry.kwargs)
        return self._probe(
            entry.class_name,
            what,
            lambda: self._run.instantiate(entry.class_name, entry.args, entry.kwargs, seed=entry.seed),
        )

    def _describe(self, entry: _Model, handle: Handle) -> ModelDescription:
        what = f"tracing {entry.class_name}.forward"
        return self._probe(entry.class_name, what, lambda: self._run.describe(handle))

    def _forward(self, entry: _Model, *inputs: torch.Tensor) -> Any:
        """The student's own forward in the child, re-making the instance in a fresh child."""
        shapes = ", ".join(str(tuple(x.shape)) for x in inputs)
        what = f"{entry.class_name}.forward on an input of shape {shapes}"
        for attempt in (1, 2):
            if entry.handle is None or entry.handle.generation != self._run.generation:
                self._remake(entry)
            assert entry.handle is not None
            try:
                with self._clock.stage(Stage.PROBES):
                    return self._run.forward(entry.handle, *inputs)
            except ProbeError as err:
                if err.kind is ProbeFailure.STALE and attempt == 1:
                    continue  # the child was replaced while this probe waited for it
                raise self._explain(err, entry.class_name, what) from None
        raise AssertionError("unreachable")

    def _remake(self, entry: _Model) -> None:
        """The same instance in a fresh child: seeded, so it must come with the same weights."""
        entry.handle = self._instantiate(entry)
        again = self._describe(entry, entry.handle)
        if entry.description is None or not _same_weights(again, entry.description):
            raise StudentError(
                f"{entry.class_name}() gave different weights when it was built again; "
                "the grader needs a constructor that does the same thing each time"
            )

    def _probe(self, name: str, what: str, probe: Callable[[], T]) -> T:
        try:
            with self._clock.stage(Stage.PROBES):
                return probe()
        except ProbeError as err:
            raise self._explain(err, name, what) from None

    # --- messages -----------------------------------------------------------------------------

    def _explain(self, err: ProbeError, name: str, what: str) -> StudentProblem:
        kind = err.kind
        if kind is ProbeFailure.MISSING:
            return self._missing(name)
        if kind is ProbeFailure.RAISED and err.type_name == "NotImplementedError":
            return NotAttempted(f"{what} raised NotImplementedError: replace the stub with your code")
        if kind is ProbeFailure.RAISED:
            return StudentError(f"{what} raised {err.type_name}: {err.message}".rstrip(": "))
        if kind is ProbeFailure.TIMEOUT:
            return StudentTimeout(f"{what} did not finish within {self._run.limits.probe_seconds:g} s")
        if kind is ProbeFailure.UNSENDABLE:
            return StudentError(
                f"{what} returned {err.message}, which the grader cannot read; use {READABLE}"
            )
        if kind is ProbeFailure.DIED:
            return StudentError(f"{what} crashed the process running the notebook ({err.message})")
        return StudentError(f"{what}: {err.message}")

    def _missing(self, name: str) -> StudentProblem:
        """Why ``name`` is undefined, from the cells: a stub, a failing cell, or never assigned."""
        cells = self._run.cells
        mentioning = [c for c in cells if c.status is not CellStatus.OK and not _left_out(c)
                      and _mentions(self._source(c), name)]  # fmt: skip
        if mentioning:
            return self._missing_because(name, mentioning[0])
        if any(c.ename == "NotImplementedError" for c in cells):
            return NotAttempted(f"{name} is not defined yet (a cell still raises NotImplementedError)")
        failed = [c for c in cells if c.status in (CellStatus.ERROR, CellStatus.TIMEOUT)]
        if failed:
            c = failed[0]
            return StudentError(
                f"{name} is not defined; note that {self._label(c)} raised {c.ename}: {c.evalue}"
            )
        return StudentError(f"{name} is not defined: the notebook never assigns it (check the spelling)")

    def _missing_because(self, name: str, cell: CellReport) -> StudentProblem:
        label = self._label(cell)
        if cell.ename == "NotImplementedError":
            return NotAttempted(f"{name} is not defined: {label} still raises NotImplementedError")
        if cell.status is CellStatus.TIMEOUT:
            return StudentTimeout(f"{name} is not defined: {label} was stopped ({cell.evalue})")
        if cell.status is CellStatus.SKIPPED:
            return StudentTimeout(f"{name} is not defined: {label} was {cell.evalue}")
        return StudentError(f"{name} is not defined: {label} raised {cell.ename}: {cell.evalue}")

    def _label(self, cell: CellReport) -> str:
        if self._cell_numbers is not None and 0 <= cell.index < len(self._cell_numbers):
            return f"cell {self._cell_numbers[cell.index] + 1}"
        return f"code cell {cell.index + 1}"

    def _source(self, cell: CellReport) -> str:
        sources = self._run.sources
        return sources[cell.index] if 0 <= cell.index < len(sources) else ""


class _TimedCheck(ReproductionCheck):
    """A reproduction check whose trusted work is charged to rebuilding (its probes to probes)."""

    def __init__(self, clock: StageClock, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def check(self, signature: Signature) -> None:
        with self._clock.stage(Stage.REBUILD):
            super().check(signature)

    def confirm(self, signature: Signature, *, runs: bool) -> None:
        with self._clock.stage(Stage.REBUILD):
            super().confirm(signature, runs=runs)


def call_text(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> str:
    """``conv_output_size(7, 3, stride=2)``, tensors shown by shape."""
    parts = [_arg_text(a) for a in args] + [f"{k}={_arg_text(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _arg_text(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"<tensor of shape {tuple(value.shape)}>"
    text = repr(value)
    return text if len(text) <= MAX_ARG_CHARS else text[: MAX_ARG_CHARS - 3] + "..."


def _left_out(cell: CellReport) -> bool:
    """A cell the grader chose not to run (a demo, or a check for later): it explains no missing name."""
    return cell.status is CellStatus.SKIPPED and cell.evalue.startswith(LEFT_OUT)


def _mentions(source: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\b", source) is not None


def _key(class_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, str]:
    frame = pack({}, {"args": args, "kwargs": kwargs})
    digest = zlib.crc32(joined(frame.payload)) if frame.payload else 0
    return class_name, json.dumps(frame.header, sort_keys=True) + f"#{digest}"


def _same_weights(a: ModelDescription, b: ModelDescription) -> bool:
    if a.weights.keys() != b.weights.keys():
        return False
    return all(torch.equal(a.weights[k], b.weights[k]) for k in a.weights)
