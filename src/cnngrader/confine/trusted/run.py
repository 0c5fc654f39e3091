"""Trusted side: one submission's confined run, its cell reports, and probes that return data.

Every probe has a deadline. A probe that hangs or kills the child costs only itself: the child
is killed, and the next probe gets a fresh child that re-ran the cells (at most
``limits.max_reforks`` times per run). Model handles name the child that made them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.confine.shared.limits import Limits
from cnngrader.confine.shared.probes import Handle, NameInfo, ProbeError, ProbeFailure, ProbeOp, failure_from
from cnngrader.confine.shared.reports import CellReport, CellStatus
from cnngrader.confine.shared.wire import Frame, WireError, joined, pack, tensors_from_bytes, unpack
from cnngrader.confine.trusted.channel import ChannelClosed, ChannelTimeout
from cnngrader.confine.trusted.execution import execute, execute_later, is_decided
from cnngrader.confine.trusted.process import ChildProcess

if TYPE_CHECKING:
    from cnngrader.rebuild.description import ModelDescription

MAX_MESSAGE_CHARS = 500
SETTLE_SECONDS = 0.3


class Run:
    """A notebook executed in a confined child that stays alive to answer probes."""

    def __init__(self, spawn: Callable[[Limits], ChildProcess], cells: Sequence[str], limits: Limits,
                 isolation: IsolationLevel, *, skip: Mapping[int, str] | None = None) -> None:
        self.sources = tuple(str(c) for c in cells)
        self.limits = limits
        self.isolation = isolation
        self.generation = 0  # bumped each time a fresh child replaces a lost one
        self.forks = 0
        self.startup_seconds = 0.0  # fork to confined-and-ready, of the latest child
        self._spawn_child = spawn
        self._lock = threading.RLock()
        self._reforks_left = limits.max_reforks
        self._closed = False
        self._next_id = 0
        # Cells the caller decided not to run are reported as such (a fresh child skips them too).
        unrun = {i: CellReport.stopped(i, CellStatus.SKIPPED, why) for i, why in (skip or {}).items()}
        child, reports = execute(self._spawn, self.sources, limits, unrun)
        self.cells: tuple[CellReport, ...] = tuple(reports[i] for i in range(len(self.sources)))
        self._decided = {r.index: r for r in self.cells if is_decided(r)}
        self._child = child

    def run_later(self, indexes: Collection[int]) -> None:
        """Run cells that the first pass left out (reported as skipped) now, after the probes.

        They run in the live child, on the namespace as it stands; their reports replace the
        skipped ones. A cell that hangs or kills the child is stopped like any other, and the
        child is then lost (the next probe, if any, gets a fresh one).
        """
        wanted = sorted(i for i in set(indexes) if 0 <= i < len(self.sources))
        if not wanted:
            return
        used = sum(report.seconds for report in self.cells)
        with self._lock:
            try:
                child = self._live_child()
            except ProbeError:
                return  # no process is left: the cells stay reported as not run
            alive, reports = execute_later(child, self.sources, wanted, self.limits,
                                           self.limits.notebook_seconds - used)  # fmt: skip
            if not alive:
                self._lose(child)
            self.cells = tuple(reports.get(r.index, r) for r in self.cells)
            self._decided.update((i, r) for i, r in reports.items() if is_decided(r))

    # --- probes -----------------------------------------------------------------------------

    def value(self, name: str) -> Any:
        """The value bound to ``name`` as plain data (tensors included)."""
        return self._value(self._probe({"op": ProbeOp.VALUE.value, "name": name}))

    def lookup(self, name: str) -> NameInfo:
        """Whether ``name`` is defined, and whether it is callable, without sending it."""
        reply = self._probe({"op": ProbeOp.LOOKUP.value, "name": name}).header
        return NameInfo(reply.get("defined") is True, reply.get("callable") is True,
                        _text(reply.get("type", "")))

    def call(self, name: str, args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None) -> Any:
        """``name(*args, **kwargs)`` in the child; the result as plain data."""
        values = {"args": tuple(args), "kwargs": dict(kwargs or {})}
        return self._value(self._probe({"op": ProbeOp.CALL.value, "name": name}, values))

    def instantiate(self, class_name: str, args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None,
                    *, seed: int = 0) -> Handle:
        """A new instance of the model class, seeded so that a fresh child makes the same weights."""
        values = {"args": tuple(args), "kwargs": dict(kwargs or {})}
        reply = self._probe({"op": ProbeOp.INSTANTIATE.value, "name": class_name, "seed": seed}, values)
        number = reply.header.get("handle")
        if not isinstance(number, int):
            raise self._violation("malformed handle")
        return Handle(self.generation, number)

    def describe(self, handle: Handle) -> ModelDescription:
        """The model's graph, layers and weights, validated (never unpickled)."""
        from cnngrader.rebuild.description import DescriptionError, ModelDescription

        reply = self._probe({"op": ProbeOp.DESCRIBE.value}, handle=handle)
        try:
            tensors = tensors_from_bytes(joined(reply.payload)) if reply.payload else {}
            return ModelDescription.from_json(reply.header.get("description"), tensors)
        except (WireError, DescriptionError) as exc:
            raise ProbeError(ProbeFailure.INVALID, str(exc)) from None

    def forward(self, handle: Handle, *inputs: Any) -> Any:
        """The student's own model on ``inputs``, in eval mode without gradients."""
        reply = self._probe({"op": ProbeOp.FORWARD.value}, {"inputs": tuple(inputs)}, handle=handle)
        return self._value(reply)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._child is not None:
                self._child.kill()
                self._child = None

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- machinery --------------------------------------------------------------------------

    def _spawn(self) -> ChildProcess:
        child = self._spawn_child(self.limits)
        self.forks += 1
        self.startup_seconds = child.startup_seconds
        return child

    def _probe(self, header: dict[str, Any], values: Mapping[str, Any] | None = None,
               handle: Handle | None = None) -> Frame:
        try:
            request = pack(header, values)
        except WireError as exc:
            raise TypeError(f"cannot send these arguments to the notebook: {exc}") from None
        with self._lock:
            child = self._live_child()
            _require_still(child)
            if handle is not None:  # checked after a lost child was replaced
                request.header["handle"] = self._number(handle)
            self._next_id += 1
            request.header["id"] = self._next_id
            deadline = time.monotonic() + self.limits.probe_seconds
            try:
                child.send(request, deadline)
                reply = child.recv(deadline)
            except ChannelTimeout:
                self._lose(child)
                why = f"no answer within {self.limits.probe_seconds:g} s"
                raise ProbeError(ProbeFailure.TIMEOUT, why) from None
            except (ChannelClosed, OSError):
                self._lose(child)
                why = f"the process running the notebook {child.ending()}"
                raise ProbeError(ProbeFailure.DIED, why) from None
            except WireError as exc:
                raise self._violation(f"a malformed message ({exc})") from None
            if reply.header.get("id") != self._next_id:
                raise self._violation("an answer to another question")
        if reply.header.get("ok") is True:
            return reply
        raise self._failure(reply.header)

    def _live_child(self) -> ChildProcess:
        if self._closed:
            raise ProbeError(ProbeFailure.UNAVAILABLE, "the run is closed")
        if self._child is None and self._reforks_left > 0:
            self._reforks_left -= 1
            self._child, _ = execute(self._spawn, self.sources, self.limits, self._decided)
            self.generation += 1
        if self._child is None:
            raise ProbeError(ProbeFailure.UNAVAILABLE, "no process is left to run the notebook")
        return self._child

    def _lose(self, child: ChildProcess) -> None:
        child.kill()
        if self._child is child:
            self._child = None

    def _violation(self, what: str) -> ProbeError:
        if self._child is not None:
            self._lose(self._child)
        return ProbeError(ProbeFailure.PROTOCOL, f"the notebook's process sent {what}")

    def _failure(self, header: dict[str, Any]) -> ProbeError:
        failure = failure_from(header)
        return failure if failure is not None else self._violation("a malformed error")

    def _value(self, reply: Frame) -> Any:
        try:
            return unpack(reply, "value")
        except WireError as exc:
            raise self._violation(f"a malformed value ({exc})") from None

    def _number(self, handle: Handle) -> int:
        if handle.generation != self.generation:
            raise ProbeError(ProbeFailure.STALE, "the model was made by a process that was since replaced")
        return handle.number


def _require_still(child: ChildProcess) -> None:
    """Refuse to probe a notebook whose other threads could change it between two probes."""
    threads, patience = child.threads(), time.monotonic() + SETTLE_SECONDS
    while threads is not None and threads > 1 and time.monotonic() < patience:
        time.sleep(0.01)  # a joined thread's OS thread may still be exiting
        threads = child.threads()
    if threads is not None and threads > 1:
        others = threads - 1
        raise ProbeError(ProbeFailure.UNSUPPORTED, (
            f"the notebook still runs {others} other thread{'s' if others > 1 else ''} after its cells "
            "(started in a cell); the grader only asks a notebook that has stopped: let every "
            "thread finish (join it) before the last cell ends"))


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else ""
    return text[:MAX_MESSAGE_CHARS]
