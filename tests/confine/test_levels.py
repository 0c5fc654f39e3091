"""Isolation levels: the best one available is chosen, weaker ones still confine, minimums hold."""

from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path

import pytest

from cnngrader.confine import IsolationLevel, Limits, Sandbox
from cnngrader.confine.trusted.bwrap import find_bwrap
from cnngrader.errors import IsolationError, UsageError

REPO = Path(__file__).resolve().parents[2]
LIMITS = Limits(cell_seconds=5, probe_seconds=5)
PROBE_NETWORK = """
import os, socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    network = "allowed"
except OSError as exc:
    network = exc.errno
try:
    os.kill(os.getppid(), 0)
    signal_parent = "allowed"
except OSError as exc:
    signal_parent = exc.errno
env = sorted(os.environ)
def outcome(action):
    try:
        action()
        return "allowed"
    except OSError as exc:
        return exc.errno
"""


def test_levels_are_ordered_and_named():
    assert IsolationLevel.BUBBLEWRAP > IsolationLevel.SECCOMP > IsolationLevel.RLIMITS
    assert [level.value for level in IsolationLevel] == ["none", "rlimits", "seccomp", "bubblewrap"]
    assert IsolationLevel.RLIMITS > IsolationLevel.NONE  # a refused submission ran nowhere
    assert IsolationLevel("seccomp") is IsolationLevel.SECCOMP


def test_a_minimum_above_the_maximum_is_a_usage_error():
    with pytest.raises(UsageError):
        Sandbox.start(minimum=IsolationLevel.BUBBLEWRAP, maximum=IsolationLevel.SECCOMP)


def test_a_sandbox_started_in_the_background_outlives_the_thread_that_started_it():
    """``check`` boots the zygote while it imports torch. bubblewrap's --die-with-parent ties the
    zygote to the thread that launched it: the first run must find that zygote, not restart one."""
    started = time.monotonic()
    with Sandbox.start(limits=LIMITS, background=True) as sandbox:
        assert time.monotonic() - started < 1.0  # returned before the zygote booted
        assert sandbox.isolation is IsolationLevel.BUBBLEWRAP  # waits for it
        time.sleep(0.3)
        run = sandbox.run(["x = 6 * 7"])
        assert run.value("x") == 42 and sandbox.restarts == 0
        zygote = sandbox.zygote_pid
    assert not Path(f"/proc/{zygote}").exists() or _zombie(zygote)


def _zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] == "Z"


def test_a_background_start_that_fails_raises_at_first_use(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # bwrap made unavailable
    sandbox = Sandbox.start(minimum=IsolationLevel.BUBBLEWRAP, background=True)
    with pytest.raises(IsolationError, match="bwrap is not installed"):
        sandbox.run(["x = 1"])
    with pytest.raises(IsolationError, match="closed"):
        sandbox.run(["x = 1"])
    sandbox.close()


def test_without_bwrap_the_sandbox_falls_back_to_seccomp(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # bwrap made unavailable
    monkeypatch.setenv("CNNGRADER_TEST_SECRET", "hunter2")  # must not reach the child
    assert find_bwrap() is None
    with pytest.raises(IsolationError, match="bwrap is not installed"):
        Sandbox.start(minimum=IsolationLevel.BUBBLEWRAP)
    with Sandbox.start(limits=LIMITS) as sandbox:
        assert sandbox.isolation is IsolationLevel.SECCOMP
        judge = os.getpid()
        run = sandbox.run([PROBE_NETWORK, "x = 41 + 1", (
            f"fs = {{'repo': outcome(lambda: os.listdir({str(REPO)!r})),"
            f" 'tests': outcome(lambda: open({str(REPO / 'pyproject.toml')!r}, 'a')),"
            f" 'judge memory': outcome(lambda: open('/proc/{judge}/mem', 'rb')),"
            " 'host tmp': outcome(lambda: open('/tmp/cnngrader-planted', 'w')),"
            " 'scratch': outcome(lambda: open('mine.txt', 'w'))}")])
        assert run.value("x") == 42
        assert run.value("network") == run.value("signal_parent") == errno.EPERM
        assert "CNNGRADER_TEST_SECRET" not in run.value("env")
        fs = run.value("fs")
        assert fs.pop("scratch") == "allowed"
        assert set(fs.values()) == {errno.EACCES}, fs  # Landlock stands in for the mount namespace


def test_rlimits_only_still_runs_and_limits_memory():
    with Sandbox.start(maximum=IsolationLevel.RLIMITS, limits=LIMITS) as sandbox:
        assert sandbox.isolation is IsolationLevel.RLIMITS
        run = sandbox.run(["big = bytearray(8 * 2**30)", "x = 1"])
        assert run.cells[0].ename == "MemoryError" and run.value("x") == 1


def descendants(pid: int) -> set[int]:
    """Host pids below ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_dead_zygote_takes_its_children_along_and_is_restarted(sandbox):
    before = sandbox.isolation
    run = sandbox.run(["import threading, time\nthreading.Thread(target=time.sleep, args=(100,)).start()"])
    tree = descendants(sandbox.zygote_pid)
    assert tree  # the zygote (and bwrap's init) and the child with its thread
    os.kill(sandbox.zygote_pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in tree) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in tree), "processes outlived their zygote"
    run.close()
    run = sandbox.run(["x = 7"])
    assert run.value("x") == 7
    assert sandbox.restarts >= 1 and sandbox.isolation is before
    run.close()
