"""Cells run like a kernel runs them: in order, in one namespace, past errors, each under a deadline."""

from __future__ import annotations

import statistics
import time

from cnngrader.confine import CellStatus, Limits
from cnngrader.confine.child.shell import SHELL_MESSAGE


def statuses(run):
    return [c.status for c in run.cells]


def test_cells_continue_past_errors(run_cells):
    run = run_cells("a = 1", "raise ValueError('bad value')\nprint('never')", "b = a + 1", "1/0",
                    "c = b * 10")
    assert statuses(run) == [CellStatus.OK, CellStatus.ERROR, CellStatus.OK, CellStatus.ERROR, CellStatus.OK]
    assert (run.cells[1].ename, run.cells[1].evalue) == ("ValueError", "bad value")
    assert run.cells[3].ename == "ZeroDivisionError"
    assert run.value("c") == 20


def test_output_and_last_expression_are_captured(run_cells):
    run = run_cells("import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7")
    cell = run.cells[0]
    assert (cell.stdout, cell.stderr, cell.displays) == ("out\n", "err\n", ("42",))


def test_syntax_errors_and_system_exit_are_cell_errors(run_cells):
    run = run_cells("def f(:\n    pass", "import sys\nsys.exit(3)", "exit()", "ok = True")
    assert [c.ename for c in run.cells[:3]] == ["SyntaxError", "SystemExit", "SystemExit"]
    assert run.value("ok") is True


def test_the_namespace_is_main(run_cells):
    run = run_cells("name = __name__")
    assert run.value("name") == "__main__"


def test_the_input_history_is_kept_as_a_kernel_keeps_it(run_cells):
    # A notebook's own checks read its code from In, as in Jupyter (the trusted side never does).
    run = run_cells("a = 1", "seen = list(In)")
    assert run.value("seen") == ["", "a = 1", "seen = list(In)"]


def test_magics_are_harmless_and_shell_commands_never_run(run_cells):
    run = run_cells(
        "get_ipython().run_line_magic('matplotlib', 'inline')\nget_ipython().run_line_magic('load_ext', 'x')",
        "get_ipython().system('touch pwned')\nlisting = get_ipython().getoutput('ls')",
        "get_ipython().run_cell_magic('bash', '', 'touch pwned2\\n')",
        "get_ipython().run_cell_magic('time', '', 'timed = 5\\n')",
        "get_ipython().run_line_magic('time', 'also = 6')",
        "import os\nleft = sorted(os.listdir('.'))",
    )
    assert all(c.status is CellStatus.OK for c in run.cells), run.cells
    assert run.cells[1].stdout == f"{SHELL_MESSAGE}\n{SHELL_MESSAGE}\n"
    assert run.value("listing") == []
    assert (run.value("timed"), run.value("also"), run.value("left")) == (5, 6, [])


def test_output_flood_is_capped(run_cells):
    limits = Limits(cell_seconds=5, output_chars=1000)
    run = run_cells("for _ in range(200_000):\n    print('x' * 50)", limits=limits)
    cell = run.cells[0]
    assert cell.status is CellStatus.OK
    assert len(cell.stdout) < 1100 and "output truncated" in cell.stdout


def test_output_that_escapes_badly_still_fits_a_report(run_cells):
    run = run_cells("import sys\nprint('\\x00' * 70_000)\nprint('\\x01' * 70_000, file=sys.stderr)",
                    "display(*['\\x02' * 5000] * 30)\nok = 1")
    assert [c.status for c in run.cells] == [CellStatus.OK, CellStatus.OK]
    assert 0 < len(run.cells[0].stdout) <= 64 * 1024 + 100
    assert run.value("ok") == 1


def test_figures_are_counted_and_show_is_silent(run_cells):
    run = run_cells("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\nplt.figure()")
    cell = run.cells[0]
    assert cell.status is CellStatus.OK and cell.stderr == ""
    assert cell.figures >= 1


def test_a_hanging_cell_costs_only_itself(run_cells):
    limits = Limits(cell_seconds=1.0, notebook_seconds=20.0)
    started = time.monotonic()
    run = run_cells("a = 1", "while True:\n    pass", "b = a + 1", "import time\ntime.sleep(100)",
                    "c = b + 1", limits=limits)
    ok, timeout = CellStatus.OK, CellStatus.TIMEOUT
    assert statuses(run) == [ok, timeout, ok, timeout, ok]
    assert run.cells[1].ename == "CellTimeoutError" and "1 s" in run.cells[1].evalue
    assert run.value("c") == 3
    assert run.forks == 3
    assert time.monotonic() - started < 8


def test_the_notebook_limit_skips_the_rest(run_cells):
    limits = Limits(cell_seconds=5.0, notebook_seconds=3.0)
    run = run_cells("a = 1", "import time\ntime.sleep(1)", "time.sleep(10)", "b = 2", limits=limits)
    assert statuses(run) == [CellStatus.OK, CellStatus.OK, CellStatus.TIMEOUT, CellStatus.SKIPPED]
    assert run.value("a") == 1  # a fresh child re-ran what had finished, for the probes


def test_a_cell_that_kills_its_process_is_an_error_and_later_cells_run(run_cells):
    run = run_cells("a = 1", "import os\nos._exit(3)", "b = a + 1")
    assert statuses(run) == [CellStatus.OK, CellStatus.ERROR, CellStatus.OK]
    assert run.cells[1].ename == "DeadKernelError" and "exited with code 3" in run.cells[1].evalue
    assert run.value("b") == 2


def test_children_are_forked_warm_from_the_zygote(sandbox):
    """What every child needs is loaded once, before the fork (timings are printed, not asserted)."""
    startups, totals, parents = [], [], set()
    warm = ("torch", "torch.fx", "numpy.random", "matplotlib.pyplot", "cnngrader.inspect")
    for _ in range(4):
        started = time.perf_counter()
        cell = f"import os, sys\nloaded = [m for m in {warm!r} if m in sys.modules]\nparent = os.getppid()"
        run = sandbox.run([cell])
        totals.append(time.perf_counter() - started)
        startups.append(run.startup_seconds)
        assert run.value("loaded") == list(warm), "imported in the zygote, not in each child"
        parents.add(run.value("parent"))
        run.close()
    assert len(parents) == 1, "every child is forked by the same zygote"
    print(f"fork+confine median {statistics.median(startups) * 1000:.1f} ms, "
          f"whole run median {statistics.median(totals) * 1000:.1f} ms")


# --- cells left out of the first pass, run after the probes ------------------------------------


def _left_out(sandbox, *cells: str, later: set[int]):
    return sandbox.run(list(cells), skip=dict.fromkeys(later, "not run by the grader: for later"))


def test_cells_left_out_run_later_in_the_same_child_after_the_probes(sandbox):
    with _left_out(sandbox, "seen = []", "seen.append('later')\nprint('late', len(seen))", "x = 2",
                   later={1}) as run:  # fmt: skip
        assert run.cells[1].status is CellStatus.SKIPPED and run.value("seen") == []
        assert run.value("x") == 2  # a probe first
        forks = run.forks
        run.run_later([1])
        assert run.cells[1].status is CellStatus.OK and run.cells[1].stdout == "late 1\n"
        assert run.cells[1].seconds > 0
        assert run.value("seen") == ["later"], "it ran in the namespace the probes asked"
        assert run.forks == forks, "in the same child"
        assert [c.status for c in run.cells] == [CellStatus.OK] * 3


def test_a_cell_run_later_that_fails_or_hangs_is_reported_and_the_run_goes_on(sandbox):
    with _left_out(sandbox, "a = 1", "assert a == 2, 'a is not 2'", "while True: pass", "b = 3", "c = 4",
                   later={1, 2, 4}) as run:  # fmt: skip
        run.run_later([1, 2, 4])
        assert (run.cells[1].status, run.cells[1].evalue) == (CellStatus.ERROR, "a is not 2")
        assert run.cells[2].status is CellStatus.TIMEOUT
        assert (run.cells[4].status, run.cells[4].evalue) == (CellStatus.SKIPPED,
                                                              "not run: a cell run before it was stopped")
        assert run.value("b") == 3, "a fresh child answers the next probe"
        assert run.cells[2].status is CellStatus.TIMEOUT and run.cells[1].status is CellStatus.ERROR


def test_cells_not_asked_for_later_stay_left_out(sandbox):
    with _left_out(sandbox, "a = 1", "a = 5", "b = a", later={1}) as run:
        run.run_later([])
        assert run.cells[1].status is CellStatus.SKIPPED and run.value("b") == 1
    run.run_later([1])  # a closed run has no child: the cell stays as it was
    assert run.cells[1].status is CellStatus.SKIPPED
