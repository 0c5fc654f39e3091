"""Trusted side: the sandbox, a warm zygote at the strongest isolation level this machine allows."""

from __future__ import annotations

import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cnngrader.confine.shared.control import ControlError
from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.confine.shared.limits import Limits
from cnngrader.confine.shared.wipe import remove_tree
from cnngrader.confine.trusted import bwrap
from cnngrader.confine.trusted.launcher import LaunchError, ZygoteProcess
from cnngrader.errors import IsolationError, UsageError

if TYPE_CHECKING:  # imported where used: they pull in torch, which start() must not wait for
    from cnngrader.confine.trusted.process import ChildProcess
    from cnngrader.confine.trusted.run import Run

DEFAULT_LIMITS = Limits()


class Sandbox:
    """One warm zygote; each :meth:`run` forks a confined child from it for one submission."""

    def __init__(self, *, minimum: IsolationLevel, maximum: IsolationLevel, limits: Limits) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.limits = limits
        self._workdir = Path(tempfile.mkdtemp(prefix="cnngrader-sandbox-"))  # mode 0700
        # Removed at close(), or when the sandbox is collected or the interpreter exits without it.
        self._cleanup = weakref.finalize(self, remove_tree, str(self._workdir))
        self._zygote: ZygoteProcess | None = None
        self._current: Run | None = None
        self._lock = threading.Lock()
        self._launching: threading.Thread | None = None  # start(background=True): the first launch
        self._launched = threading.Event()
        self._released = threading.Event()
        self._launch_error: BaseException | None = None
        self.restarts = 0

    @classmethod
    def start(
        cls,
        *,
        minimum: IsolationLevel = IsolationLevel.RLIMITS,
        limits: Limits = DEFAULT_LIMITS,
        maximum: IsolationLevel = IsolationLevel.BUBBLEWRAP,
        background: bool = False,
    ) -> Sandbox:
        """Start the zygote at the best level up to ``maximum``; IsolationError below ``minimum``.

        ``maximum`` exists to test the degraded levels (and for TAs who must avoid namespaces).
        With ``background`` the zygote boots while the caller goes on (a cold ``check`` imports
        torch meanwhile): the first use of the sandbox waits for it, and raises what its start raised.
        """
        minimum, maximum = IsolationLevel(minimum), IsolationLevel(maximum)
        if minimum > maximum:
            raise UsageError(f"minimum isolation {minimum} is above the maximum {maximum}")
        sandbox = cls(minimum=minimum, maximum=maximum, limits=limits)
        if background:
            sandbox._launching = threading.Thread(target=sandbox._first_launch, name="cnngrader-zygote-start",
                                                  daemon=True)  # fmt: skip
            sandbox._launching.start()
            return sandbox
        try:
            sandbox._zygote = sandbox._launch()
        except BaseException:
            sandbox.close()
            raise
        return sandbox

    @property
    def isolation(self) -> IsolationLevel:
        """The level reached (a restarted zygote never goes below ``minimum``)."""
        self._started()
        if self._zygote is None:
            raise IsolationError("the sandbox is closed")
        return self._zygote.level

    @property
    def zygote_pid(self) -> int:
        self._started()
        if self._zygote is None:
            raise IsolationError("the sandbox is closed")
        return self._zygote.process.pid

    def run(
        self, cells: Sequence[str], *, limits: Limits | None = None, skip: Mapping[int, str] | None = None
    ) -> Run:
        """Execute the cells in a fresh confined child; the previous run, if open, is closed.

        ``skip`` maps the indexes of cells not to run to why (they are reported as skipped).
        """
        from cnngrader.confine.trusted.run import Run

        self._started()
        with self._lock:
            if self._current is not None:
                self._current.close()
            self._current = Run(self._spawn, cells, limits or self.limits, self.isolation, skip=skip)
            return self._current

    def close(self) -> None:
        launching = self._launching
        if launching is not None:
            self._launched.wait()  # a zygote still booting is closed once it is up, never left behind
        with self._lock:
            if self._current is not None:
                self._current.close()
                self._current = None
            if self._zygote is not None:
                self._zygote.close()
                self._zygote = None
            self._cleanup()
        self._released.set()
        if launching is not None and launching is not threading.current_thread():
            launching.join()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _first_launch(self) -> None:
        """The background start. The thread then waits for close(): bubblewrap's
        ``--die-with-parent`` ends the zygote when the thread that started it ends."""
        try:
            self._zygote = self._launch()
        except BaseException as exc:  # raised again by the first use of the sandbox
            self._launch_error = exc
        finally:
            self._launched.set()
        self._released.wait()

    def _started(self) -> None:
        """Wait for a zygote started in the background; raise what its start raised."""
        if self._launching is None:
            return
        self._launched.wait()
        if self._launch_error is not None:
            error, self._launch_error = self._launch_error, None
            self.close()
            raise error

    def _spawn(self, limits: Limits) -> ChildProcess:
        from cnngrader.confine.trusted.process import ChildGone, ChildProcess

        for attempt in (1, 2):
            zygote = self._live_zygote()
            try:
                return ChildProcess.spawn(zygote, limits, seccomp=zygote.seccomp, landlock=zygote.landlock)
            except ChildGone as exc:
                raise IsolationError(f"a confined child could not start: {exc}") from None
            except ControlError:
                if attempt == 2:
                    raise
                self._restart()  # the zygote died or hung (a child left what it could not wipe?)
        raise AssertionError("unreachable")

    def _live_zygote(self) -> ZygoteProcess:
        if self._zygote is None:
            raise IsolationError("the sandbox is closed")
        if not self._zygote.alive():
            self._restart()
        assert self._zygote is not None
        return self._zygote

    def _restart(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            remove_tree(str(self._zygote.workdir))
        self._zygote = None
        self._zygote = self._launch()
        self.restarts += 1

    def _launch(self) -> ZygoteProcess:
        missing: list[str] = []
        if self.maximum >= IsolationLevel.BUBBLEWRAP:
            zygote = self._try_bwrap(missing)
            if zygote is not None:
                return self._accept(zygote, missing)
        if self.minimum >= IsolationLevel.BUBBLEWRAP:
            raise IsolationError(f"isolation {self.minimum} is required but {'; '.join(missing)}")
        try:
            zygote = ZygoteProcess.start(workdir=self._fresh_workdir(), limits=self.limits, use_bwrap=False,
                                         use_seccomp=self.maximum >= IsolationLevel.SECCOMP)
        except LaunchError as exc:
            raise IsolationError(f"the sandbox cannot start: {exc}") from None
        return self._accept(zygote, missing)

    def _fresh_workdir(self) -> Path:
        """A folder per zygote, so that nothing a dead zygote left behind reaches the next."""
        return Path(tempfile.mkdtemp(prefix="zygote-", dir=self._workdir))

    def _try_bwrap(self, missing: list[str]) -> ZygoteProcess | None:
        path = bwrap.find_bwrap()
        if path is None:
            missing.append("bubblewrap is unavailable: bwrap is not installed (apt install bubblewrap)")
            return None
        ok, why = bwrap.self_test(path)
        if not ok:
            missing.append(f"bubblewrap is unavailable: {why}")
            return None
        try:
            return ZygoteProcess.start(workdir=self._fresh_workdir(), limits=self.limits, use_bwrap=True,
                                       use_seccomp=True)
        except LaunchError as exc:
            missing.append(f"bubblewrap is unavailable: the zygote did not start under bwrap: {exc}")
            return None

    def _accept(self, zygote: ZygoteProcess, missing: list[str]) -> ZygoteProcess:
        if zygote.level < self.minimum:
            why = zygote.hello.get("why") or "it is not available"
            zygote.close()
            reasons = [*missing, f"seccomp is unavailable: {why}"]
            raise IsolationError(f"isolation {self.minimum} is required but {'; '.join(reasons)}")
        return zygote
