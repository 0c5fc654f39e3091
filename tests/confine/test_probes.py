"""Probes: values and calls come back as data, failures as typed errors, hangs cost one probe."""

from __future__ import annotations

import math
import pickle
import time

import pytest
import torch

from cnngrader.confine import Limits, ProbeError, ProbeFailure
from cnngrader.rebuild import ModelDescription

VALUES_CELL = """
import numpy as np
import torch
q_int, q_float, q_str, q_bool, q_none = 84, 2.5, "B", True, None
q_list, q_tuple, q_dict = [[7, 9], [8, 4]], (1, 1, 96, 96), {"a": (1, 2), "b": [None]}
q_set, q_frozen = {"C"}, frozenset({"A", "b"})
q_np_int, q_np_float, q_np_bool = np.int64(84), np.float32(0.5), np.bool_(True)
q_array = np.array([[1, 2], [3, 4]])
q_size = torch.Size([8, 3, 5, 5])
q_tensor = torch.arange(6.0).reshape(2, 3).requires_grad_()
q_param = torch.nn.Parameter(torch.ones(2))
q_nan, q_inf = float("nan"), float("-inf")
q_function = len
q_object = object()
"""

PLAIN = {
    "q_int": 84, "q_float": 2.5, "q_str": "B", "q_bool": True, "q_none": None,
    "q_list": [[7, 9], [8, 4]], "q_tuple": (1, 1, 96, 96), "q_dict": {"a": (1, 2), "b": [None]},
    "q_set": {"C"}, "q_frozen": frozenset({"A", "b"}), "q_np_int": 84, "q_np_float": 0.5,
    "q_np_bool": True, "q_size": (8, 3, 5, 5), "q_inf": -math.inf,
}


@pytest.fixture(scope="module")
def values_run(sandbox):
    run = sandbox.run([VALUES_CELL])
    yield run
    run.close()


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_values_arrive_as_plain_data(values_run, name):
    value = values_run.value(name)
    assert value == PLAIN[name] and type(value) is type(PLAIN[name])


def test_arrays_and_tensors_arrive_as_plain_tensors(values_run):
    array, tensor, param = (values_run.value(n) for n in ("q_array", "q_tensor", "q_param"))
    assert torch.equal(array, torch.tensor([[1, 2], [3, 4]]))
    assert torch.equal(tensor, torch.arange(6.0).reshape(2, 3)) and not tensor.requires_grad
    assert type(param) is torch.Tensor
    assert math.isnan(values_run.value("q_nan"))


@pytest.mark.parametrize(("name", "kind"), [("q_missing", ProbeFailure.MISSING),
                                            ("q_function", ProbeFailure.UNSENDABLE),
                                            ("q_object", ProbeFailure.UNSENDABLE)])
def test_values_that_cannot_be_sent_fail_with_a_kind(values_run, name, kind):
    with pytest.raises(ProbeError) as caught:
        values_run.value(name)
    assert caught.value.kind is kind


def test_lookup_does_not_send_the_object(values_run):
    info = values_run.lookup("q_function")
    assert (info.defined, info.callable, info.type_name) == (True, True, "builtin_function_or_method")
    assert not values_run.lookup("nope").defined


def test_calls_take_tensors_and_keywords(run_cells):
    run = run_cells("import torch.nn.functional as F\n"
                    "def conv(image, kernel, stride=1):\n"
                    "    return F.conv2d(image[None, None], kernel[None, None], stride=stride)[0, 0]")
    image, kernel = torch.randn(5, 5), torch.randn(3, 3)
    got = run.call("conv", (image, kernel), {"stride": 2})
    expected = torch.nn.functional.conv2d(image[None, None], kernel[None, None], stride=2)[0, 0]
    assert torch.allclose(got, expected)


def test_errors_raised_by_student_code_are_typed_data(run_cells):
    run = run_cells("def f(n):\n    return n / 0", "def stub():\n    raise NotImplementedError()", "x = 3")
    with pytest.raises(ProbeError) as caught:
        run.call("f", (1,))
    assert (caught.value.kind, caught.value.type_name, caught.value.message) == (
        ProbeFailure.RAISED, "ZeroDivisionError", "division by zero")
    with pytest.raises(ProbeError) as caught:
        run.call("stub")
    assert caught.value.type_name == "NotImplementedError"
    with pytest.raises(ProbeError) as caught:
        run.call("x")
    assert caught.value.kind is ProbeFailure.INVALID


def test_a_hanging_probe_times_out_and_the_next_probe_gets_a_fresh_child(run_cells):
    run = run_cells("import time\ndef hang():\n    time.sleep(100)", "y = 5",
                    limits=Limits(probe_seconds=0.5))
    started = time.monotonic()
    with pytest.raises(ProbeError) as caught:
        run.call("hang")
    assert caught.value.kind is ProbeFailure.TIMEOUT
    assert time.monotonic() - started < 3
    assert run.value("y") == 5 and run.generation == 1


def test_a_probe_that_kills_the_child_is_reported_and_survived(run_cells):
    run = run_cells("import os\ndef die():\n    os._exit(7)", "y = 5")
    with pytest.raises(ProbeError) as caught:
        run.call("die")
    assert caught.value.kind is ProbeFailure.DIED
    assert run.value("y") == 5


def test_restarts_are_limited(run_cells):
    run = run_cells("import os\ndef die():\n    os._exit(7)", limits=Limits(max_reforks=1))
    for kind in (ProbeFailure.DIED, ProbeFailure.DIED, ProbeFailure.UNAVAILABLE):
        with pytest.raises(ProbeError) as caught:
            run.call("die")
        assert caught.value.kind is kind


def test_models_are_instantiated_described_and_run(run_cells):
    run = run_cells("import torch.nn as nn\n"
                    "class Net(nn.Module):\n"
                    "    def __init__(self, k=3):\n"
                    "        super().__init__()\n"
                    "        self.conv = nn.Conv2d(1, 2, k)\n"
                    "    def forward(self, x):\n"
                    "        return self.conv(x).relu()")
    handle = run.instantiate("Net", (), {"k": 5}, seed=1)
    description = run.describe(handle)
    assert isinstance(description, ModelDescription)
    assert [layer.settings["kernel_size"] for layer in description.layers] == [(5, 5)]
    x = torch.randn(1, 1, 8, 8)
    weight, bias = description.weights["conv.weight"], description.weights["conv.bias"]
    expected = torch.nn.functional.conv2d(x, weight, bias).relu()
    assert torch.allclose(run.forward(handle, x), expected)
    again = run.describe(run.instantiate("Net", (), {"k": 5}, seed=1))
    assert torch.equal(again.weights["conv.weight"], weight)  # seeded: a fresh child builds the same


def test_handles_of_a_replaced_child_are_stale(run_cells):
    run = run_cells("import os, torch\ndef die():\n    os._exit(1)\nNet = lambda: torch.nn.Linear(2, 2)")
    handle = run.instantiate("Net")
    with pytest.raises(ProbeError):
        run.call("die")
    with pytest.raises(ProbeError) as caught:
        run.forward(handle, torch.ones(2))
    assert caught.value.kind is ProbeFailure.STALE


def test_a_reduce_bait_from_the_child_never_runs_here(run_cells, monkeypatch, tmp_path):
    """Neither a value with __reduce__ nor raw pickle bytes forged on the socket is ever unpickled."""
    def refuse(*args, **kwargs):
        raise AssertionError("something tried to unpickle data from the child")

    for target in ("pickle.loads", "pickle.load", "pickle.Unpickler", "torch.load"):
        monkeypatch.setattr(target, refuse)
    marker = tmp_path / "bait-fired"
    run = run_cells(
        "import os, pickle, socket\n"
        "class Bait:\n"
        f"    def __reduce__(self):\n        return (open, ({str(marker)!r}, 'w'))\n"
        "bait = Bait()\n"
        "def forge():\n"
        "    fd = max(int(n) for n in os.listdir('/proc/self/fd'))\n"
        "    sock = socket.socket(fileno=fd)\n"
        "    payload = pickle.dumps({'t0': Bait()})\n"
        "    header = b'{\"id\": 1, \"ok\": true, \"value\": {\"$tensor\": \"t0\"}}'\n"
        "    import struct\n"
        "    sock.sendall(struct.pack('!II', len(header), len(payload)) + header + payload)\n"
        "    import time\n"
        "    time.sleep(5)\n"
    )
    with pytest.raises(ProbeError) as caught:
        run.value("bait")
    assert caught.value.kind is ProbeFailure.UNSENDABLE
    with pytest.raises(ProbeError):
        run.call("forge")
    assert not marker.exists()
    assert pickle.loads is refuse


# --- probes see a still notebook -------------------------------------------------------------


FLIPPER = """
import threading, time
answer = 1
def _flip():
    global answer
    while True:
        answer = 3 - answer
        time.sleep(0.001)
worker = threading.Thread(target=_flip, daemon=True)
worker.start()
"""


def test_a_notebook_that_leaves_a_thread_running_is_not_probed(run_cells):
    run = run_cells(FLIPPER)
    with pytest.raises(ProbeError) as caught:
        run.value("answer")
    assert caught.value.kind is ProbeFailure.UNSUPPORTED
    assert "still runs 1 other thread" in caught.value.message


def test_threads_that_finished_before_the_last_cell_are_fine(run_cells):
    run = run_cells(
        "import threading\nresults = []\nworkers = [threading.Thread(target=results.append, args=(i,)) "
        "for i in range(3)]\nfor w in workers: w.start()",
        "for w in workers: w.join()\nfrom tqdm import tqdm\ntotal = sum(tqdm(results))",
    )
    assert run.value("total") == 3


def test_torch_set_num_threads_in_a_cell_leaves_no_pool_behind(run_cells):
    run = run_cells("import torch\ntorch.set_num_threads(4)\n"
                    "total = float(torch.ones(300, 300).matmul(torch.ones(300, 300)).sum())")
    assert run.value("total") == 300.0**3


def test_a_thread_pool_forced_past_the_grader_is_refused(run_cells):
    run = run_cells("import torch\ntorch._C.set_num_threads(2)\n"
                    "total = float(torch.ones(300, 300).matmul(torch.ones(300, 300)).sum())")
    with pytest.raises(ProbeError, match="still runs 1 other thread"):
        run.value("total")
