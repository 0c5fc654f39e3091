"""RemoteSubmission: what hidden tests get in the trusted path, end to end through a real sandbox."""

from __future__ import annotations

import textwrap
import time

import pytest
import torch
from torch import nn

from cnngrader.confine import Limits, Sandbox
from cnngrader.judge.remote import RemoteSubmission, call_text
from cnngrader.testing import NotAttempted, StudentError, StudentTimeout

MODELS = textwrap.dedent('''
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    built = 0

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            global built
            built += 1
            self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
            self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
            self.fc = nn.Linear(1250, 1)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(self.conv2(x).relu(), 2)
            return self.fc(x.reshape(len(x), -1))

    class SeqCNN(nn.Sequential):
        def __init__(self, hidden=3):
            super().__init__(nn.Conv2d(1, hidden, 3, padding='same'), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(hidden * 50 * 50, 1))

    class ListCNN(nn.Module):
        def __init__(self, channels=1):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Conv2d(channels, 3, 3, padding=1), nn.Conv2d(3, 3, 3, padding=1)])
            self.fc = nn.Linear(3 * 32 * 32, 1)

        def forward(self, x):
            for block in self.blocks:
                x = torch.relu(block(x))
            return self.fc(x.view(x.size(0), -1))

    class Cheat(CNN):
        def forward(self, x):
            if isinstance(x, torch.fx.Proxy):
                return super().forward(x)
            return torch.zeros(len(x), 1)

    class Upsampling(nn.Module):
        def __init__(self):
            super().__init__()
            self.up = nn.Upsample(scale_factor=2)

        def forward(self, x):
            return self.up(x)

    class Unfinished(nn.Module):
        def __init__(self):
            super().__init__()
            # YOUR CODE HERE
            raise NotImplementedError()
''')

CELLS = [
    MODELS,
    "def conv_output_size(input_size, kernel_size, stride=1, padding=0):\n"
    "    return (input_size + 2 * padding - kernel_size) // (stride - 2) + 1",
    "def max_pool2d_single(image, kernel_size):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
    "import time\ndef slow(n):\n    time.sleep(100)",
    "def square(x):\n    return x * x",
    "q3 = 84\nq2 = {'C'}",
    "class BudgetCNN(nn.Module)\n    pass",
    "# YOUR CODE HERE\nraise NotImplementedError()",
    "q_unreadable = object()",
]


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox.start(limits=Limits(cell_seconds=5, probe_seconds=1.5, max_reforks=3))
    yield box
    box.close()


@pytest.fixture
def sub(sandbox):
    submission = RemoteSubmission(sandbox.run(CELLS))
    yield submission
    submission.close()


def test_values_and_functions_return_data(sub):
    assert sub.value("q3") == 84 and sub.value("q2") == {"C"}
    square = sub.function("square")
    assert square(7) == 49
    assert torch.equal(square(torch.arange(3.0)), torch.tensor([0.0, 1.0, 4.0]))


def test_a_raising_function_names_the_call(sub):
    with pytest.raises(StudentError) as caught:
        sub.function("conv_output_size")(7, 3, stride=2)
    assert str(caught.value) == ("conv_output_size(7, 3, stride=2) raised ZeroDivisionError: "
                                 "integer division or modulo by zero")


def test_stubs_are_not_attempted(sub):
    with pytest.raises(NotAttempted):
        sub.function("max_pool2d_single")(torch.zeros(4, 4), 2)
    with pytest.raises(NotAttempted, match="NotImplementedError"):
        sub.value("q1")  # undefined, and a stub cell still raises
    with pytest.raises(NotAttempted):
        sub.model("Unfinished")


def test_an_undefined_name_points_at_the_failing_cell(sub):
    with pytest.raises(StudentError) as caught:
        sub.model("BudgetCNN")
    assert str(caught.value).startswith("BudgetCNN is not defined: code cell 7 raised SyntaxError: ")


def test_unreadable_values_and_non_functions_are_explained(sub):
    with pytest.raises(StudentError, match="q_unreadable holds a value of type object"):
        sub.value("q_unreadable")
    with pytest.raises(StudentError, match="q3 should be a function, but it is a int"):
        sub.function("q3")


def test_a_hanging_question_costs_only_itself(sub):
    started = time.monotonic()
    with pytest.raises(StudentTimeout, match=r"slow\(1\) did not finish within 1.5 s"):
        sub.function("slow")(1)
    assert time.monotonic() - started < 4
    assert sub.function("square")(3) == 9  # a fresh child re-ran the cells


@pytest.mark.parametrize(("name", "args", "shape"), [
    ("CNN", (), (2, 1, 100, 100)),
    ("SeqCNN", (4,), (3, 1, 100, 100)),
    ("ListCNN", (2,), (1, 2, 32, 32)),
])
def test_models_are_rebuilt_and_reproduce_the_students(sub, name, args, shape):
    model = sub.model(name, *args)
    assert isinstance(model, torch.fx.GraphModule)
    namespace: dict = {}
    exec(MODELS, namespace)  # the oracle: the same class, instantiated by the test itself
    oracle = namespace[name](*args)
    assert sum(p.numel() for p in model.parameters()) == sum(p.numel() for p in oracle.parameters())
    x = torch.randn(shape)
    model.eval()
    handle = sub._models[next(k for k in sub._models if k[0] == name)].handle
    assert torch.allclose(model(x), sub._run.forward(handle, x), atol=1e-5)


def test_models_are_built_once_per_arguments(sub):
    first, second = sub.model("CNN"), sub.model("CNN")
    assert first is not second
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters(), strict=True))
    assert sub.value("built") == 1


def test_fresh_models_share_the_students_weights_until_a_test_writes_one(sub):
    first, second = sub.model("CNN"), sub.model("CNN")
    first(torch.randn(2, 1, 100, 100))  # read: a forward, with its reproduction check
    assert all(torch._C._is_cow_tensor(p) for p in [*first.parameters(), *second.parameters()])
    with torch.no_grad():
        first.fc.weight.add_(1.0)
    assert not torch._C._is_cow_tensor(first.fc.weight), "a write gives the copy a tensor of its own"
    assert torch.equal(first.fc.weight, second.fc.weight + 1.0), "and the other copy keeps the weights"


def test_a_model_a_test_changes_leaves_the_next_one_and_the_check_alone(sub):
    trained = sub.model("CNN")
    with torch.no_grad():
        for p in trained.parameters():
            p.mul_(3.0)  # a test may train the model it got, in place
    trained.train()
    trained(torch.randn(2, 1, 100, 100)).sum().backward()
    fresh = sub.model("CNN")
    assert all(p.grad is None for p in fresh.parameters())
    assert not any(torch.equal(a, b) for a, b in zip(trained.parameters(), fresh.parameters(), strict=True))
    fresh(torch.randn(3, 1, 100, 100))  # the check still compares the student's weights with the child's


def test_unsupported_layers_are_named(sub):
    with pytest.raises(StudentError, match=r"layer nn\.Upsample is not supported by the grader"):
        sub.model("Upsampling")


def test_a_forward_that_cheats_the_tracer_is_caught(sub):
    model = sub.model("Cheat")
    with pytest.raises(StudentError, match=r"does not reproduce Cheat\.forward"):
        model(torch.randn(2, 1, 100, 100))


def test_models_survive_a_replaced_child(sub):
    model = sub.model("CNN")
    with pytest.raises(StudentTimeout):
        sub.function("slow")(1)
    model(torch.randn(1, 1, 100, 100))  # verified against the same weights in a fresh child


def test_call_text_shows_tensors_by_shape():
    assert call_text("f", (torch.zeros(2, 3), "a" * 100), {"k": 1}) == (
        f"f(<tensor of shape (2, 3)>, {repr('a' * 100)[:57]}..., k=1)")


def test_cell_numbers_can_follow_the_notebook(sandbox):
    sub = RemoteSubmission(sandbox.run(["x = 1", "y = (", "z = 3"]), cell_numbers=[1, 3, 4])
    with pytest.raises(StudentError, match="y is not defined: cell 4 raised SyntaxError"):
        sub.value("y")
    sub.close()


def test_module_outputs_are_not_models(sub):
    assert not isinstance(sub.value("q3"), nn.Module)


def _counting(sub, method: str) -> list[object]:
    """Count the probes of one kind that ``sub`` sends to its child from now on."""
    calls: list[object] = []
    original = getattr(sub._run, method)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    setattr(sub._run, method, counted)
    return calls


def test_a_name_is_looked_up_once_per_child(sub):
    lookups = _counting(sub, "lookup")
    assert [sub.function("square")(n) for n in (1, 2, 3)] == [1, 4, 9]
    assert len(lookups) == 1
    with pytest.raises(StudentTimeout):
        sub.function("slow")(1)
    assert sub.function("square")(4) == 16  # the call itself starts a fresh child
    assert [a[0] for a in lookups] == ["square", "slow"]
    assert sub.function("square")(5) == 25
    assert [a[0] for a in lookups] == ["square", "slow", "square"], "the fresh child is asked again"


def test_steps_of_unchanged_copies_are_followed_once(sub):
    from cnngrader.inspect import follow_model

    forwards = _counting(sub, "forward")
    first = follow_model(sub.model("CNN"), (1, 100, 100))
    assert follow_model(sub.model("CNN"), (1, 100, 100)) is first
    assert len(forwards) == 1, "the student's forward confirms the steps once"
    changed = sub.model("CNN")
    changed.fc = nn.Linear(1250, 2)
    steps = follow_model(changed, (1, 100, 100)).steps
    assert steps[-1].shape == (2,) and first.steps[-1].shape == (1,)
