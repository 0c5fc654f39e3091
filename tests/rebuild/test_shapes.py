"""Shape shortcuts of the size check: PyTorch's own meta kernels are the oracle."""

from __future__ import annotations

import operator
import subprocess
import sys
import textwrap

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnngrader.rebuild.shapes import shortcut


def meta(*shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.empty(shape, dtype=dtype, device="meta")


def as_meta(module: nn.Module) -> nn.Module:
    return module.to("meta").eval()


X4 = (2, 3, 8, 8)
MODULE_CASES = [
    (nn.ReLU(), X4), (nn.ReLU6(inplace=True), X4), (nn.LeakyReLU(0.2), X4), (nn.ELU(), X4),
    (nn.GELU(), X4), (nn.SiLU(), X4), (nn.Sigmoid(), X4), (nn.Tanh(), X4), (nn.Identity(), X4),
    (nn.Dropout(0.3), X4), (nn.Dropout2d(), X4), (nn.Hardtanh(0, 6), X4), (nn.Softplus(), X4),
    (nn.Mish(), X4), (nn.Hardswish(), X4), (nn.SELU(), X4),
    (nn.Linear(8, 5), X4), (nn.Linear(12, 7), (4, 12)), (nn.Linear(3, 2, bias=False), (3,)),
    (nn.AdaptiveAvgPool2d(1), X4), (nn.AdaptiveAvgPool2d((2, None)), X4),
    (nn.AdaptiveMaxPool2d(5), (3, 8, 8)),
    (nn.AdaptiveAvgPool1d(3), (2, 4, 9)), (nn.AdaptiveMaxPool1d(1), (4, 9)),
    (nn.BatchNorm2d(3), X4), (nn.BatchNorm1d(5), (4, 5)), (nn.BatchNorm1d(5, affine=False), (4, 5, 7)),
    (nn.BatchNorm3d(2), (1, 2, 3, 3, 3)),
    (nn.Conv2d(3, 4, 3), X4), (nn.Conv2d(3, 6, (3, 1), stride=(2, 1), padding=(1, 0)), X4),
    (nn.Conv2d(3, 2, 3, padding="same"), X4), (nn.Conv2d(3, 2, 5, padding="valid"), X4),
    (nn.Conv2d(3, 3, 3, padding=2, dilation=2, groups=3), X4), (nn.Conv2d(3, 2, 3, padding=1), (3, 8, 8)),
    (nn.Conv2d(3, 2, 3, padding=1, padding_mode="reflect"), X4), (nn.Conv1d(3, 5, 4, stride=3), (2, 3, 17)),
    (nn.Conv3d(2, 1, 2), (1, 2, 4, 4, 4)),
    (nn.MaxPool2d(2), X4), (nn.MaxPool2d(3, stride=2, padding=1), X4), (nn.MaxPool2d(3, ceil_mode=True), X4),
    (nn.MaxPool2d(2, ceil_mode=True), (1, 3, 7, 5)), (nn.MaxPool2d((2, 3), dilation=2), X4),
    (nn.AvgPool2d(2), (3, 7, 7)), (nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), X4),
    (nn.MaxPool1d(4), (2, 3, 17)), (nn.AvgPool1d(3, ceil_mode=True), (2, 10)),
]


@pytest.mark.parametrize(("module", "shape"), MODULE_CASES, ids=lambda v: type(v).__name__)
def test_module_shapes_are_the_meta_kernels_shapes(module, shape):
    module = as_meta(module)
    x = meta(*shape)
    got = shortcut("call_module", module, (x,), {})
    assert got is not None, "this step should take the shortcut"
    with torch.no_grad():
        want = module(x)
    assert (tuple(got.shape), got.dtype, got.device.type) == (tuple(want.shape), want.dtype, "meta")


FUNCTION_CASES = [
    (F.relu, (meta(*X4),), {"inplace": False}), (torch.tanh, (meta(2, 5),), {}),
    (F.leaky_relu, (meta(*X4), 0.1), {}), (operator.neg, (meta(3),), {}),
    (F.dropout, (meta(*X4),), {"p": 0.5, "training": False}),
    (operator.add, (meta(2, 3, 1, 8), meta(1, 5, 8)), {}), (torch.mul, (meta(4, 1), meta(1, 6)), {}),
    (operator.truediv, (meta(2, 3), 2), {}), (torch.add, (meta(2, 3), 1.5), {"alpha": 2}),
    (operator.add, (meta(2, 3, dtype=torch.int64), 0.5), {}),
    (operator.mul, (meta(2, 3, dtype=torch.int32), meta(3, dtype=torch.float64)), {}),
    (F.linear, (meta(5, 7), meta(3, 7), meta(3)), {}), (F.linear, (meta(2, 4, 7), meta(3, 7)), {}),
    (torch.clamp, (meta(*X4),), {"min": 0}), (torch.clamp, (meta(*X4), 0.0, 6.0), {}),
    (torch.clamp_min, (meta(2, 3), 0), {}), (torch.clip, (meta(*X4),), {"max": 1.0}),
    (F.hardtanh, (meta(*X4),), {"min_val": 0.0}), (F.softplus, (meta(3, 4),), {}),
    (F.max_pool2d, (meta(*X4), 2), {}), (F.max_pool2d, (meta(*X4), 3, 2, 1), {}),
    (F.max_pool2d, (meta(*X4),), {"kernel_size": 3, "ceil_mode": True, "return_indices": False}),
    (F.avg_pool2d, (meta(*X4), (2, 4)), {"stride": None}), (F.max_pool1d, (meta(2, 3, 9), 2), {}),
    (F.avg_pool1d, (meta(2, 3, 9), 4, 2), {"ceil_mode": True}),
]


@pytest.mark.parametrize(("fn", "args", "kwargs"), FUNCTION_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_function_shapes_are_the_meta_kernels_shapes(fn, args, kwargs):
    got = shortcut("call_function", fn, args, kwargs)
    assert got is not None, "this step should take the shortcut"
    want = fn(*args, **kwargs)
    assert (tuple(got.shape), got.dtype) == (tuple(want.shape), want.dtype)


@pytest.mark.parametrize(("method", "args"), [
    ("relu", (meta(*X4),)), ("sigmoid_", (meta(2, 2),)), ("contiguous", (meta(3, 1),)),
    ("add", (meta(2, 1), meta(1, 4))), ("mul", (meta(5,), 3)), ("div", (meta(2, 3), meta(3))),
    ("clamp", (meta(*X4), 0)), ("clamp_min", (meta(2, 3), 0.0)), ("clip", (meta(*X4), -1, 1)),
    ("clamp_", (meta(2, 2), 0)),
])
def test_method_shapes_are_the_meta_kernels_shapes(method, args):
    got = shortcut("call_method", method, args, {})
    assert got is not None
    want = getattr(args[0].clone(), method)(*args[1:])
    assert (tuple(got.shape), got.dtype) == (tuple(want.shape), want.dtype)


@pytest.mark.parametrize(("op", "target", "args"), [
    ("call_module", as_meta(nn.AdaptiveAvgPool2d(2)), (meta(8),)),  # too few dimensions
    ("call_module", as_meta(nn.AdaptiveAvgPool2d(2)), (meta(2, 3, 0, 4),)),  # empty input
    ("call_module", as_meta(nn.AdaptiveMaxPool2d(2, return_indices=True)), (meta(*X4),)),
    ("call_module", as_meta(nn.Conv2d(4, 4, 3)), (meta(*X4),)),  # other channels: its own error
    ("call_module", as_meta(nn.Conv2d(3, 4, 9)), (meta(*X4),)),  # no window fits
    ("call_module", as_meta(nn.Conv2d(3, 4, 3)), (meta(*X4, dtype=torch.float64),)),
    ("call_module", as_meta(nn.MaxPool2d(2, return_indices=True)), (meta(*X4),)),
    ("call_module", as_meta(nn.MaxPool2d(2, padding=2)), (meta(*X4),)),  # padding over half the window
    ("call_function", F.max_pool2d, (meta(*X4),)),  # no kernel size
    ("call_function", F.avg_pool2d, (meta(*X4), 2)),  # (count_include_pad below)
    ("call_module", as_meta(nn.BatchNorm2d(4)), (meta(*X4),)),  # other channels: its own error
    ("call_module", as_meta(nn.BatchNorm2d(3)), (meta(3, 8, 8),)),  # no batch dimension
    ("call_module", as_meta(nn.BatchNorm1d(3, track_running_stats=False)), (meta(2, 3),)),
    ("call_module", as_meta(nn.BatchNorm2d(3)).train(), (meta(*X4),)),  # batch statistics
    ("call_module", as_meta(nn.BatchNorm2d(3)), (meta(*X4, dtype=torch.float64),)),
    ("call_function", torch.cat, ([meta(2, 3), meta(2, 3)],)),
    ("call_function", F.relu, (torch.zeros(2),)),  # not a meta tensor
    ("call_function", torch.clamp, (meta(2), meta(2))),
    ("call_method", "add_", (meta(2, 1), meta(1, 4))),  # in place: must not broadcast
    ("call_method", "view", (meta(2, 3), -1)),
])
def test_steps_the_rules_are_unsure_of_run_on_meta(op, target, args):
    kwargs = {"count_include_pad": False} if target is F.avg_pool2d else {}
    assert shortcut(op, target, args, kwargs) is None


@pytest.mark.parametrize(("op", "target", "shapes"), [
    ("call_module", nn.Linear(8, 5), [(2, 7)]),
    ("call_module", nn.Linear(1250, 1), [(2, 2, 25, 24)]),
    ("call_function", F.linear, [(5, 7), (3, 6)]),
])
def test_a_linear_that_does_not_fit_raises_what_torch_says_on_the_cpu(op, target, shapes):
    """The student reads the message: the one Jupyter would show, not the meta kernel's."""
    cpu = [torch.zeros(s) for s in shapes]
    with pytest.raises(RuntimeError) as on_cpu:
        target(*cpu)
    module_or_fn = as_meta(target) if op == "call_module" else target
    with pytest.raises(RuntimeError) as shortcut_says:
        shortcut(op, module_or_fn, tuple(meta(*s) for s in shapes), {})
    assert str(shortcut_says.value) == str(on_cpu.value)


@pytest.mark.parametrize(("a", "b"), [((2, 3), (4, 5)), ((7, 2, 3), (2, 4)), ((3,), (2, 2, 1, 4))])
def test_shapes_that_cannot_broadcast_raise_as_torch_does_on_the_cpu(a, b):
    with pytest.raises(RuntimeError) as on_cpu:
        operator.add(torch.zeros(a), torch.zeros(b))
    with pytest.raises(RuntimeError) as shortcut_says:
        shortcut("call_function", operator.add, (meta(*a), meta(*b)), {})
    assert str(shortcut_says.value) == str(on_cpu.value)


def test_a_lecture_cnn_is_checked_and_followed_without_loading_torch_dynamo():
    """The shortcuts exist so that a cold check never pays for importing torch._dynamo."""
    script = textwrap.dedent("""
        import sys, torch
        from torch import nn
        from cnngrader.inspect.steps import model_steps
        from cnngrader.rebuild.verify import ReproductionCheck
        from cnngrader.inspect.trace import trace
        class Clamped(nn.Module):  # ReLU written as clamp, as students do
            def forward(self, x):
                return x.clamp(min=0).clamp_min(0) + torch.clamp(x, min=0)
        def cnn():
            return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, 10), nn.Dropout(),
                                 Clamped())
        with torch.device("meta"):
            steps = model_steps(cnn(), (3, 16, 16))
        model = cnn().eval()
        rebuilt = trace(model)
        check = ReproductionCheck(rebuilt, model)
        check.check((((2, 3, 16, 16), torch.float32),))
        print(len(steps), "torch._dynamo" in sys.modules, "sympy" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["12", "False", "False"], "nor sympy (torch._check's first use)"


def test_a_model_that_fails_on_meta_says_so_plainly_without_loading_torch_dynamo():
    """fx's interpreter, by default, adds its own report to a failing step's message, and builds it
    with torch._dynamo (seconds, and 100 MB a judge keeps)."""
    script = textwrap.dedent("""
        import sys, torch
        from torch import nn
        from cnngrader.inspect.steps import follow_model
        from cnngrader.rebuild.verify import SizeCheck
        from cnngrader.testing import StudentError
        wrong = torch.fx.symbolic_trace(nn.Sequential(nn.Flatten(), nn.Linear(5000, 1)))
        followed = follow_model(wrong, (1, 50, 50))
        big = torch.fx.symbolic_trace(nn.Sequential(nn.Flatten(), nn.Linear(2500, 10)))
        for model in (wrong, big):
            try:
                SizeCheck(model, max_elements=100).check((((2, 1, 50, 50), torch.float32),))
            except StudentError as exc:
                print(repr(str(exc)))
        print(repr(followed.error))
        print("torch._dynamo" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    *messages, dynamo = out.stdout.splitlines()
    assert dynamo == "False"
    assert len(messages) == 3
    for message in messages:
        assert "\\n" not in message and "While executing" not in message and "tlparse" not in message, message
