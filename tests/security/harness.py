"""The observation post of the hostile-submission suite.

Everything here runs in the trusted test process and never executes student code: it copies a
course, runs the real CLI in subprocesses, listens on sockets the submissions must not reach,
and looks for what the submissions must not leave behind (files, processes).

Attribution: every attack carries a marker ``CNNGATK<nonce>-<code>`` (the nonce is fresh per
test session, so a marker found anywhere was put there by this session's attacks); it names
its files, its processes (``comm`` and ``cmdline``) and the bytes it sends.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NONCE = secrets.token_hex(2)  # 4 hex digits: the marker must fit a process name (15 chars)
MARK_PREFIX = f"CNNGATK{NONCE}"  # 11 chars
SEED = 4242
ISOLATION = "bubblewrap"  # the level this machine provides; the suite refuses to grade below it

# Where a submission might leave something behind, on the host. The session's own tmp folder is
# checked strictly (file by file) instead, since it holds the course the attacks target.
SCAN_ROOTS = ("/tmp", "/var/tmp", "/dev/shm", "/root", "/work", "/run", "/etc", "/opt", "/srv")
SCAN_CONTENT_LIMIT = 1 << 20
CLI_TIMEOUT = 900.0


def marker(code: str) -> str:
    return f"{MARK_PREFIX}-{code}"


# --- the course under attack --------------------------------------------------------------------


# The suite's course stops runaway cells sooner than the shipped one (the limits are the course's
# to set), so that the attacks that can only end in a timeout cost seconds, not minutes.
SUITE_LIMITS = """
c.Execute.timeout = 8
c.Cnngrader.notebook_seconds = 30
c.Cnngrader.probe_seconds = 8
"""


def copy_course(dst: Path) -> Path:
    """An instructor's course folder: config, sources, releases, hidden tests, and the solutions."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", dst / "nbgrader_config.py")
    with (dst / "nbgrader_config.py").open("a") as config:
        config.write(SUITE_LIMITS)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for folder in ("source", "release", "autograder", "solutions"):
        shutil.copytree(REPO / folder, dst / folder, ignore=ignore)
    return dst


@dataclass(frozen=True)
class Canaries:
    """Secrets planted where the hidden tests, solutions and other students' work live."""

    token: str = field(default_factory=lambda: f"CANARY{secrets.token_hex(8)}")

    def plant(self, course: Path) -> list[Path]:
        planted = []
        for rel in (
            "autograder/_canary_secret.txt",
            "autograder/lab6/_canary_reference.py",
            "autograder/quiz6/_canary_reference.py",
            "solutions/canary.txt",
            "source/lab6/canary.txt",
            "source/quiz6/canary.txt",
            "canary.txt",
        ):
            path = course / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# {self.token}\nEXPECTED = {{'linear_in_features': 3600}}\n")
            planted.append(path)
        return planted

    def env(self) -> dict[str, str]:
        """The grader's environment holds a secret too (a TA's token, say)."""
        return {"CNNGRADER_SECURITY_CANARY": self.token}


# --- running the real CLI -----------------------------------------------------------------------


@dataclass
class CliRun:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    def json_documents(self) -> list[Any]:
        """Every JSON document on stdout, in order (the contract: exactly one)."""
        decoder = json.JSONDecoder()
        text, pos, docs = self.stdout, 0, []
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                return docs
            try:
                doc, pos = decoder.raw_decode(text, pos)
            except ValueError:
                docs.append(ValueError(f"not JSON at offset {pos}: {text[pos : pos + 80]!r}"))
                return docs
            docs.append(doc)


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CNNGRADER_COURSE", None)
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1", "COLUMNS": "120"})
    env.update(extra or {})
    return env


def run_cli(args: Sequence[str], *, env: dict[str, str], cwd: Path, timeout: float = CLI_TIMEOUT) -> CliRun:
    """``cnngrader ARGS`` in its own session; on timeout its whole process group is killed."""
    cmd = [sys.executable, "-m", "cnngrader", *args]
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        out, err = proc.communicate()
    return CliRun(
        [str(a) for a in args], proc.returncode, out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"), time.monotonic() - start, timed_out,
    )  # fmt: skip


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def check_args(notebook: Path, assignment: str, course: Path, isolation: str = ISOLATION) -> list[str]:
    return [
        "check", str(notebook), "--assignment", assignment, "--json", "--seed", str(SEED),
        "--course", str(course), "--require-isolation", isolation,
    ]  # fmt: skip


def grade_args(assignment: str, course: Path, jobs: int = 2, isolation: str = ISOLATION) -> list[str]:
    return [
        "grade",
        assignment,
        "--course",
        str(course),
        "--jobs",
        str(jobs),
        "--require-isolation",
        isolation,
    ]


def without_bwrap(env: dict[str, str]) -> dict[str, str]:
    """The same environment with bwrap out of reach: the sandbox falls back to the seccomp level."""
    folders = [
        f for f in env.get("PATH", "").split(os.pathsep) if f and not os.path.exists(os.path.join(f, "bwrap"))
    ]
    return {**env, "PATH": os.pathsep.join(folders or [os.path.dirname(sys.executable)])}


# --- sockets a submission must not reach ----------------------------------------------------------


@dataclass
class Contact:
    listener: str
    peer: str
    data: bytes


class Listeners:
    """TCP and UDP on 127.0.0.1 (and ::1), a UNIX socket by path, an abstract one, and AF_VSOCK."""

    def __init__(self, folder: Path) -> None:
        self.contacts: list[Contact] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._socks: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.tcp_port = self._stream("tcp", socket.AF_INET, ("127.0.0.1", 0))[1]
        self.udp_port = self._dgram("udp", socket.AF_INET, ("127.0.0.1", 0))[1]
        try:
            self.tcp6_port = self._stream("tcp6", socket.AF_INET6, ("::1", 0))[1]
        except OSError:
            self.tcp6_port = 0
        self.unix_path = str(folder / "listen.sock")
        self._stream("unix", socket.AF_UNIX, self.unix_path)
        self.unix_dgram_path = str(folder / "listen.dgram")
        self._dgram("unix-dgram", socket.AF_UNIX, self.unix_dgram_path)
        self.abstract_name = f"{MARK_PREFIX}-abstract"
        self._stream("abstract", socket.AF_UNIX, "\0" + self.abstract_name)
        self.vsock_port = 0
        with contextlib.suppress(OSError, AttributeError):
            self.vsock_port = self._stream("vsock", socket.AF_VSOCK, (socket.VMADDR_CID_ANY, 0))[1]

    def settings(self) -> dict[str, Any]:
        return {
            "TCP_PORT": self.tcp_port, "TCP6_PORT": self.tcp6_port, "UDP_PORT": self.udp_port,
            "UNIX_PATH": self.unix_path, "UNIX_DGRAM_PATH": self.unix_dgram_path,
            "ABSTRACT_NAME": self.abstract_name, "VSOCK_PORT": self.vsock_port,
        }  # fmt: skip

    def _stream(self, name: str, family: int, address: Any) -> Any:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.bind(address)
        sock.listen(64)
        sock.settimeout(0.2)
        self._start(name, sock, self._accept_loop)
        return sock.getsockname()

    def _dgram(self, name: str, family: int, address: Any) -> Any:
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind(address)
        sock.settimeout(0.2)
        self._start(name, sock, self._recv_loop)
        return sock.getsockname()

    def _start(self, name: str, sock: socket.socket, loop: Any) -> None:
        self._socks.append(sock)
        thread = threading.Thread(target=loop, args=(name, sock), daemon=True, name=f"listener-{name}")
        thread.start()
        self._threads.append(thread)

    def _record(self, name: str, peer: Any, data: bytes) -> None:
        with self._lock:
            self.contacts.append(Contact(name, repr(peer), data[:4096]))

    def _accept_loop(self, name: str, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(1.0)
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            conn.close()
            self._record(name, peer, data)

    def _recv_loop(self, name: str, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                data, peer = sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            self._record(name, peer, data)

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for sock in self._socks:
            sock.close()
        for path in (self.unix_path, self.unix_dgram_path):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


# --- processes ------------------------------------------------------------------------------------

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Orphans of the CLI runs become our children instead of init's, so none goes unseen."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, ctypes.c_ulong(1), 0, 0, 0) == 0


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    comm: str
    cmdline: str
    environ: str = ""
    state: str = ""

    def describe(self) -> str:
        return f"pid {self.pid} (ppid {self.ppid}) {self.comm!r}: {self.cmdline[:200]!r}"


def processes(*, with_environ: bool = False) -> dict[int, Proc]:
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                raw = f.read().decode("utf-8", "replace")
            comm = raw[raw.index("(") + 1 : raw.rindex(")")]
            state, ppid_text = raw[raw.rindex(")") + 2 :].split()[:2]
            ppid = int(ppid_text)
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            environ = ""
            if with_environ:
                try:
                    with open(f"/proc/{pid}/environ", "rb") as f:
                        environ = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
                except OSError:
                    pass
        except (OSError, ValueError, IndexError):
            continue
        out[pid] = Proc(pid, ppid, comm, cmdline, environ, state)
    return out


def descendants(root: int, table: dict[int, Proc]) -> list[Proc]:
    children: dict[int, list[int]] = {}
    for proc in table.values():
        children.setdefault(proc.ppid, []).append(proc.pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if pid in table:
            out.append(table[pid])
            todo.extend(children.get(pid, []))
    return out


def reap_zombies() -> list[int]:
    """Collect the exit status of children that already ended (as a subreaper we inherit orphans)."""
    reaped = []
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid == 0:
            return reaped
        reaped.append(pid)


def leftover_processes(known_alive: Iterable[int] = ()) -> list[Proc]:
    """Processes that the CLI runs left: our descendants (we are a subreaper) and marked ones."""
    reap_zombies()
    table = {pid: p for pid, p in processes(with_environ=True).items() if p.state != "Z"}
    keep = set(known_alive) | {os.getpid()}
    found = {p.pid: p for p in descendants(os.getpid(), table) if p.pid not in keep}
    for proc in table.values():
        if MARK_PREFIX in proc.comm or MARK_PREFIX in proc.cmdline or MARK_PREFIX in proc.environ:
            found[proc.pid] = proc
    return sorted(found.values(), key=lambda p: p.pid)


def end_leftovers(procs: Sequence[Proc]) -> None:
    """SIGKILL the leftovers that this session's runs created (by pid), then reap our children."""
    for proc in procs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(proc.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


# --- System V IPC objects (they outlive processes, and a host-level sandbox shares them) -----------


def sysv_objects() -> set[tuple[str, int, int]]:
    """(kind, key, id) of every SysV shared memory segment, message queue and semaphore set here."""
    found = set()
    for kind in ("shm", "msg", "sem"):
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) >= 2:
                found.add((kind, int(fields[0]), int(fields[1])))
    return found


def remove_sysv(objects: Iterable[tuple[str, int, int]]) -> None:
    """IPC_RMID on objects that this session's runs created."""
    libc = ctypes.CDLL(None, use_errno=True)
    ipc_rmid = 0
    for kind, _key, ident in objects:
        if kind == "shm":
            libc.shmctl(ident, ipc_rmid, None)
        elif kind == "msg":
            libc.msgctl(ident, ipc_rmid, None)
        elif kind == "sem":
            libc.semctl(ident, 0, ipc_rmid)


# --- files ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    kind: str  # "file", "dir", "link", "other"
    digest: str  # sha256 of a file, the target of a link, "" otherwise


def tree_snapshot(root: Path) -> dict[str, Entry]:
    """Every path under ``root`` with its kind and content digest (symlinks not followed)."""
    out: dict[str, Entry] = {}
    for dirpath, dirnames, filenames in _walk(str(root)):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode):
                out[rel] = Entry("link", os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = Entry("dir", "")
            elif stat.S_ISREG(st.st_mode):
                out[rel] = Entry("file", _digest(path, st.st_size))
            else:
                out[rel] = Entry("other", oct(st.st_mode))
    return out


def _digest(path: str, size: int) -> str:
    if size > 256 << 20:  # a sparse giant: its size and first bytes stand for it
        with open(path, "rb") as f:
            return f"big:{size}:{hashlib.sha256(f.read(1 << 20)).hexdigest()}"
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        return f"unreadable:{exc.errno}:{size}"
    return h.hexdigest()


@dataclass(frozen=True)
class Change:
    path: str
    what: str  # "added", "removed", "changed"
    before: Entry | None
    after: Entry | None

    def describe(self) -> str:
        return f"{self.what}: {self.path} ({self.before} -> {self.after})"


def tree_diff(before: dict[str, Entry], after: dict[str, Entry]) -> list[Change]:
    out = []
    for rel in sorted(set(before) | set(after)):
        b, a = before.get(rel), after.get(rel)
        if b == a:
            continue
        what = "added" if b is None else "removed" if a is None else "changed"
        out.append(Change(rel, what, b, a))
    return out


def marked_files(since: float, *, roots: Sequence[str] = SCAN_ROOTS, skip: Sequence[Path] = ()) -> list[str]:
    """Files and folders on the host, new or touched since ``since``, that carry a session marker."""
    skipped = [str(Path(s).resolve()) for s in skip]
    found = []
    for root in roots:
        if not os.path.isdir(root):
            continue
        for dirpath, dirnames, filenames in _walk(root):
            if any(dirpath == s or dirpath.startswith(s + os.sep) for s in skipped):
                dirnames[:] = []
                continue
            if dirpath.startswith(("/proc", "/sys")):
                dirnames[:] = []
                continue
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                if MARK_PREFIX in name:
                    found.append(path)
                    continue
                if name not in filenames:
                    continue
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode) or max(st.st_mtime, st.st_ctime) < since:
                    continue
                if _mentions_marker(path):
                    found.append(path)
    return sorted(set(found))


def _walk(root: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` without recursion or links: an attack may nest folders deeper than Python recurses
    (3.11's os.walk raised RecursionError). Folders past what a path can name are not read."""
    stack = [root]
    while stack:
        top = stack.pop()
        try:
            with os.scandir(top) as it:
                entries = list(it)
        except OSError:
            continue
        dirs = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
        files = [e.name for e in entries if not e.is_dir(follow_symlinks=False)]
        yield top, dirs, files  # the caller may prune dirs in place, as with os.walk
        stack.extend(os.path.join(top, d) for d in reversed(dirs))


def _mentions_marker(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return MARK_PREFIX.encode() in f.read(SCAN_CONTENT_LIMIT)
    except OSError:
        return False


# --- reading what the attacks said about themselves ------------------------------------------------

REPORT = re.compile(
    rf"{MARK_PREFIX}-(?P<code>[A-Za-z0-9_]+)\|(?P<what>[^|\n]*)\|(?P<status>[A-Z]+)\|(?P<detail>[^\n]*)"
)


@dataclass(frozen=True)
class SelfReport:
    code: str
    what: str
    status: str  # HELD (the attempt failed, as it must), BREACH (it succeeded), INFO
    detail: str


def self_reports(text: str) -> Iterator[SelfReport]:
    for m in REPORT.finditer(text):
        yield SelfReport(m["code"], m["what"].strip(), m["status"], m["detail"].strip())


def notebook_text_outputs(path: Path) -> str:
    """All stream and error text of a notebook's outputs (the autograded copy)."""
    try:
        nb = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return ""
    parts = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            text = out.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else str(text))
            parts.append(str(out.get("evalue", "")))
    return "\n".join(parts)


def wait_for(predicate: Any, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
