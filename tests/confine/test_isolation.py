"""What a hostile submission cannot do from inside its confined child."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnngrader.confine import CellStatus, IsolationLevel, Limits
from cnngrader.confine.shared.limits import MiB
from cnngrader.confine.trusted.bwrap import python_paths
from cnngrader.confine.trusted.launcher import kernel_has_huge_pages

pytestmark = pytest.mark.security
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def seccomp(sandbox):
    if sandbox.isolation < IsolationLevel.SECCOMP:
        pytest.skip(f"the syscall filter is unavailable here ({sandbox.isolation})")


@pytest.fixture
def bubblewrap(sandbox):
    if sandbox.isolation < IsolationLevel.BUBBLEWRAP:
        pytest.skip(f"bubblewrap is unavailable here ({sandbox.isolation})")


ATTEMPTS = """
import errno, os, socket
results = {}
def attempt(label, action):
    try:
        action()
        results[label] = "allowed"
    except OSError as exc:
        results[label] = errno.errorcode.get(exc.errno, str(exc.errno))
    except Exception as exc:
        results[label] = type(exc).__name__
"""


def outcomes(run_cells, *lines: str) -> dict:
    run = run_cells(ATTEMPTS + "\n".join(lines))
    assert run.cells[0].status is CellStatus.OK, run.cells[0]
    return run.value("results")


def test_the_network_is_unreachable(run_cells, seccomp):
    results = outcomes(
        run_cells,
        "attempt('tcp', lambda: socket.create_connection(('127.0.0.1', 22), timeout=1))",
        "attempt('udp', lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
        ".sendto(b'x', ('127.0.0.1', 53)))",
        "attempt('tcp6', lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM))",
        "attempt('vsock', lambda: socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM))",
        "attempt('netlink', lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW))",
        "attempt('packet', lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW))",
        "attempt('unix connect', lambda: socket.socket(socket.AF_UNIX).connect('/run/x.sock'))",
        "attempt('socketpair', lambda: socket.socketpair())",
    )
    assert results.pop("socketpair") == "allowed"  # in-process plumbing keeps working
    assert set(results.values()) == {"EPERM"}, results


def test_no_new_processes_but_threads_work(run_cells, seccomp):
    results = outcomes(
        run_cells,
        "import subprocess, threading, multiprocessing, pty, torch",
        "attempt('fork', os.fork)",
        "attempt('subprocess', lambda: subprocess.run(['true']))",
        "attempt('posix_spawn', lambda: os.posix_spawn('/usr/bin/true', ['true'], {}))",
        "attempt('execv', lambda: os.execv('/usr/bin/true', ['true']))",
        "attempt('pty', pty.fork)",
        "attempt('multiprocessing', lambda: multiprocessing.Process(target=print).start())",
        "box = []",
        "thread = threading.Thread(target=lambda: box.append(1)); thread.start(); thread.join()",
        "torch.set_num_threads(2)",  # accepted, but children keep one thread (probes need a still notebook)
        "results['threads'] = (box, float(torch.ones(500, 500).matmul(torch.ones(500, 500)).sum()),"
        " torch.get_num_threads())",
        "results['system'] = os.system('true')",
    )
    assert results.pop("threads") == ([1], 500.0**3, 1)
    assert results.pop("system") != 0
    assert set(results.values()) == {"EPERM"}, results


def test_signals_and_tracing_cannot_reach_other_processes(run_cells, sandbox, seccomp):
    results = outcomes(
        run_cells,
        "import ctypes, signal",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "attempt('kill parent', lambda: os.kill(os.getppid(), signal.SIGKILL))",
        "attempt('kill pid 1', lambda: os.kill(1, signal.SIGKILL))",
        "attempt('kill all', lambda: os.kill(-1, signal.SIGKILL))",
        "attempt('kill group 0', lambda: os.killpg(0, signal.SIGKILL))",
        "attempt('pidfd', lambda: os.pidfd_open(os.getppid()))",
        "def ptrace():\n    if libc.ptrace(16, os.getppid(), 0, 0) != 0:\n"
        "        raise OSError(ctypes.get_errno(), 'ptrace')",
        "attempt('ptrace', ptrace)",
        "attempt('own pid', lambda: os.kill(os.getpid(), 0))",
    )
    assert results.pop("own pid") == "allowed"
    assert set(results.values()) == {"EPERM"}, results
    zygote = sandbox._zygote
    assert zygote is not None and zygote.alive()


def test_the_child_holds_no_privileges(run_cells, seccomp):
    run = run_cells("status = open('/proc/self/status').read()")
    fields = dict(line.split(":\t", 1) for line in run.value("status").splitlines() if ":\t" in line)
    assert fields["CapEff"].strip() == fields["CapPrm"].strip() == "0000000000000000"
    assert fields["NoNewPrivs"].strip() == "1" and fields["Seccomp"].strip() == "2"


def test_only_the_interpreter_and_the_package_are_visible(run_cells, bubblewrap):
    run = run_cells(
        "import os",
        f"repo = sorted(os.listdir({str(REPO)!r}))",
        f"package = os.path.isdir({str(REPO / 'src' / 'cnngrader')!r})",
        "hidden = [p for p in ('/work/shared', '/home', '/root/.ssh', '/etc/passwd', '/etc/shadow', "
        f"{str(REPO / 'autograder')!r}, {str(REPO / 'solutions')!r}, {str(REPO / 'pyproject.toml')!r})"
        " if os.path.exists(p)]",
        "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())",
    )
    # Only the folders on the way to the package and to a virtualenv inside the checkout.
    bound = [Path(p) for p in python_paths() if Path(p).is_relative_to(REPO)]
    assert run.value("repo") == sorted({p.relative_to(REPO).parts[0] for p in bound})
    assert "src" in run.value("repo")
    assert run.value("package") is True
    assert run.value("hidden") == []
    assert len(run.value("pids")) <= 3  # bwrap's init, the zygote and this child: no host process


def test_nothing_outside_scratch_is_writable(run_cells, bubblewrap):
    import sys

    site = next(p for p in sys.path if p.endswith("site-packages"))
    results = outcomes(
        run_cells,
        *(f"attempt({path!r}, lambda: open({path!r}, 'w'))" for path in (
            "/planted", "/usr/planted", "/etc/planted", "/dev/planted", f"{site}/planted",
            str(REPO / "src" / "cnngrader" / "planted.py"), "/proc/planted")),
        "attempt('scratch', lambda: open('mine.txt', 'w'))",
        "attempt('tmp', lambda: open('/tmp/mine.txt', 'w'))",
    )
    assert (results.pop("scratch"), results.pop("tmp")) == ("allowed", "allowed")
    assert set(results.values()) <= {"EROFS", "EACCES", "ENOENT"}, results


def test_nothing_planted_survives_to_the_next_child(run_cells, sandbox):
    plant = ("import os, tempfile\n"
             "for folder in ('.', os.environ['HOME'], tempfile.gettempdir(), '/dev/shm'):\n"
             "    try:\n"
             "        os.makedirs(os.path.join(folder, 'planted', 'deep'), exist_ok=True)\n"
             "        open(os.path.join(folder, 'planted', 'deep', 'x'), 'w').write('x')\n"
             "        os.chmod(os.path.join(folder, 'planted'), 0)\n"
             "    except OSError:\n"
             "        pass\n")
    run_cells(plant)
    look = ("import os, tempfile\n"
            "found = {f: sorted(set(os.listdir(f)) - {'matplotlib'}) for f in "
            "('.', os.environ['HOME'], tempfile.gettempdir())"
            " + (('/dev/shm',) if os.access('/dev/shm', os.W_OK) else ())}")
    found = run_cells(look).value("found")
    # A checkout or virtualenv under /tmp is bound into the sandbox: the way to it is not planted.
    leading = {f: sorted({Path(p).relative_to(f).parts[0] for p in python_paths()
                          if f.startswith("/") and Path(p).is_relative_to(f)}) for f in found}
    assert all(entries == leading[f] for f, entries in found.items()), found


def test_a_memory_bomb_is_stopped_by_the_address_space_limit(run_cells):
    limits = Limits(memory_bytes=512 * MiB)
    run = run_cells("big = bytearray(4 * 2**30)",
                    "chunks = []\nwhile True:\n    chunks.append(bytearray(64 * 2**20))",
                    "import torch\nhuge = torch.empty(2**33)", "del chunks\nalive = True", limits=limits)
    assert [c.ename for c in run.cells[:3]] == ["MemoryError", "MemoryError", "RuntimeError"]
    assert run.value("alive") is True


def test_files_are_size_limited(run_cells):
    run = run_cells("with open('big.bin', 'wb') as f:\n    f.write(b'x' * (2 * 2**20))", "ok = 1",
                    limits=Limits(file_bytes=1 * MiB))
    assert run.cells[0].ename == "OSError" and "too large" in run.cells[0].evalue.lower()
    assert run.value("ok") == 1


def test_the_environment_is_minimal(run_cells):
    env = run_cells("import os\nenv = dict(os.environ)").value("env")
    assert set(env) <= {"PATH", "HOME", "TMPDIR", "LANG", "MPLBACKEND", "MPLCONFIGDIR", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "THP_MEM_ALLOC_ENABLE", "PWD"}, env


@pytest.mark.skipif(not kernel_has_huge_pages(), reason="this kernel gives no transparent huge pages")
def test_large_tensors_sit_on_huge_pages(run_cells):
    """A notebook's 16 MiB tensor is a few huge pages, not four thousand small ones to fault in."""
    run = run_cells(
        "import torch\n"
        "def huge():\n"
        "    for line in open('/proc/self/smaps_rollup'):\n"
        "        if line.startswith('AnonHugePages:'):\n"
        "            return int(line.split()[1])\n"
        "before = huge()\n"
        "x = torch.ones(4 * 2**20)\n"
        "grown = huge() - before"
    )
    assert run.value("grown") >= 8 * 1024  # KiB: at least half of the tensor on 2 MiB pages


def test_the_judge_is_out_of_reach(run_cells, seccomp):
    import os

    judge = os.getpid()
    results = outcomes(run_cells, *(f"attempt({what!r}, lambda: open('/proc/{judge}/{what}', 'rb').read(1))"
                                    for what in ("mem", "environ", "maps")))
    assert "allowed" not in results.values(), results
