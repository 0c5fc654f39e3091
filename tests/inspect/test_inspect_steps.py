"""model_steps: every spelling of a layer is one canonical step, on live and rebuilt models alike."""

from __future__ import annotations

import cnn_spellings as spell
import pytest
import torch
import torch.fx as fx
import torch.nn.functional as F
from torch import nn

from cnngrader.inspect import Step, follow_model, model_steps, total_parameters
from cnngrader.inspect.trace import trace
from cnngrader.testing import NotAttempted, StudentError

INPUT = (1, 100, 100)
LECTURE = [
    ("conv 1->3 kernel 3 padding 1", (3, 100, 100), 30),
    ("relu", (3, 100, 100), 0),
    ("max pool 2", (3, 50, 50), 0),
    ("conv 3->2 kernel 3 padding 1", (2, 50, 50), 56),
    ("relu", (2, 50, 50), 0),
    ("max pool 2", (2, 25, 25), 0),
    ("flatten", (1250,), 0),
    ("linear 1250->1", (1,), 1251),
]


def summary(steps: list[Step]) -> list[tuple[str, tuple[int, ...] | None, int]]:
    return [(s.describe(), s.shape, s.parameters) for s in steps]


def steps_of(module: nn.Module, shape: tuple[int, ...] = (1, 4, 4)) -> list[Step]:
    return model_steps(module, shape)


def test_the_lecture_cnn_reads_as_the_lecture_table() -> None:
    assert summary(model_steps(spell.Sequential(), INPUT)) == LECTURE


@pytest.mark.parametrize("spelling", spell.SPELLINGS, ids=lambda c: c.__name__)
def test_every_spelling_is_the_same_model(spelling: type[nn.Module]) -> None:
    assert model_steps(spelling(), INPUT) == model_steps(spell.Sequential(), INPUT)


@pytest.mark.parametrize("spelling", spell.SPELLINGS, ids=lambda c: c.__name__)
def test_a_rebuilt_graph_module_reads_like_the_live_model(spelling: type[nn.Module]) -> None:
    rebuilt = trace(spelling())  # a GraphModule, len() node included where the student used it
    assert isinstance(rebuilt, fx.GraphModule)
    assert model_steps(rebuilt, INPUT) == model_steps(spell.Sequential(), INPUT)


def test_symbolic_trace_output_reads_like_the_live_model() -> None:
    assert model_steps(fx.symbolic_trace(spell.Functional()), INPUT) == model_steps(spell.Sequential(), INPUT)


def test_reference_models_on_meta_need_no_arithmetic() -> None:
    with torch.device("meta"):
        model = spell.Sequential()
    assert model_steps(model, INPUT) == model_steps(spell.Sequential(), INPUT)


def test_tracing_leaves_the_globals_as_they_were() -> None:
    model_steps(spell.LenReshape(), INPUT)
    assert "len" not in vars(spell)


def test_the_models_mode_and_gradients_are_untouched() -> None:
    model = spell.Sequential()
    model_steps(model, INPUT)
    assert model.training
    model.eval()
    model_steps(model, INPUT)
    assert not model.training
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize(
    ("layer", "functional"),
    [
        (nn.MaxPool2d(2), lambda x: F.max_pool2d(x, 2)),
        (nn.MaxPool2d((2, 2), stride=(2, 2)), lambda x: torch.max_pool2d(x, kernel_size=2)),
        (nn.AvgPool2d(2), lambda x: F.avg_pool2d(x, 2)),
        (nn.AdaptiveAvgPool2d(1), lambda x: F.adaptive_avg_pool2d(x, (1, 1))),
        (nn.LeakyReLU(), F.leaky_relu),
        (nn.Sigmoid(), torch.sigmoid),
        (nn.Tanh(), lambda x: x.tanh()),
        (nn.Softmax(dim=1), lambda x: x.softmax(1)),
        (nn.Dropout(0.5), F.dropout),
    ],
)
def test_module_and_functional_forms_agree(layer: nn.Module, functional: object) -> None:
    class Wrap(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return functional(x)  # type: ignore[operator]

    assert steps_of(layer, (3, 4, 4)) == steps_of(Wrap(), (3, 4, 4))


@pytest.mark.parametrize(
    ("layer", "text"),
    [
        (nn.Conv2d(1, 2, 3, padding="same"), "conv 1->2 kernel 3 padding 1"),
        (nn.Conv2d(1, 2, 5, padding="same"), "conv 1->2 kernel 5 padding 2"),
        (nn.Conv2d(1, 2, (3, 5), padding="valid"), "conv 1->2 kernel 3x5 padding 0"),
        (nn.Conv2d(1, 2, 4, padding="same"), "conv 1->2 kernel 4 padding same"),
        (nn.Conv2d(1, 2, 3, stride=2, bias=False), "conv 1->2 kernel 3 stride 2 padding 0 no bias"),
        (nn.MaxPool2d(3, stride=1, padding=1), "max pool 3 stride 1 padding 1"),
        (nn.AvgPool2d(2, ceil_mode=True), "avg pool 2 ceil mode"),
        (nn.AdaptiveMaxPool2d((2, 3)), "adaptive max pool to 2x3"),
        (nn.BatchNorm2d(1), "batch norm 1"),
        (nn.LeakyReLU(0.2), "leaky relu slope 0.2"),
        (nn.Dropout2d(0.25), "dropout p=0.25"),
    ],
)
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
def test_hyperparameters_read_as_words(layer: nn.Module, text: str) -> None:
    assert model_steps(layer, (1, 8, 8), canonical=False)[0].describe() == text


@pytest.mark.parametrize(
    ("forward", "op"),
    [
        (lambda x: x.mean((2, 3)), "global avg pool"),
        (lambda x: torch.mean(x, dim=[-1, -2]), "global avg pool"),
        (lambda x: x.amax(dim=(2, 3)), "global max pool"),
        (lambda x: x.mean(1), "mean"),
        (lambda x: x.view(len(x), 3, 16), "reshape"),
        (lambda x: torch.flatten(x), "reshape"),
    ],
)
def test_reductions_and_reshapes(forward: object, op: str) -> None:
    class Wrap(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return forward(x)  # type: ignore[operator]

    assert [s.op for s in steps_of(Wrap(), (3, 4, 4))] == [op]


def test_kinds_sort_steps_for_rules() -> None:
    kinds = [s.kind for s in model_steps(spell.Sequential(), INPUT)]
    assert kinds == ["conv", "activation", "pool", "conv", "activation", "pool", "flatten", "linear"]


def test_a_shared_layer_counts_once_in_the_total() -> None:
    class Shared(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc(torch.relu(self.fc(x)))

    model = Shared()
    assert [s.parameters for s in steps_of(model, (4,))] == [20, 0, 20]
    assert total_parameters(model) == 20


def test_frozen_parameters_are_not_trainable() -> None:
    model = spell.Sequential()
    model.main[0].weight.requires_grad_(False)
    assert total_parameters(model) == 1337
    assert total_parameters(model, trainable_only=True) == 1337 - 27


def test_a_failing_model_is_followed_up_to_where_it_fails() -> None:
    followed = follow_model(spell.WrongLinear(), INPUT)
    assert followed.error is not None
    assert followed.error == (
        "the model fails at layer fc (Linear) on an input of shape (2, 1250): "
        "mat1 and mat2 shapes cannot be multiplied (2x1250 and 1000x1)"
    )
    assert [s.describe() for s in followed.steps][-3:] == ["flatten", "linear 1000->1", "sigmoid"]
    assert followed.steps[5].shape == (2, 25, 25)
    assert followed.steps[-2].shape is None  # never reached


def test_model_steps_raises_where_the_model_fails() -> None:
    with pytest.raises(StudentError, match="fails at layer fc"):
        model_steps(spell.WrongLinear(), INPUT)


def test_an_untraceable_forward_is_a_student_error() -> None:
    with pytest.raises(StudentError, match=r"could not follow DataDependent\.forward"):
        model_steps(spell.DataDependent(), (4,))


def test_a_functional_flatten_the_run_never_reached_is_still_a_flatten() -> None:
    class Broken(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(2, 3, 3)  # the input has one channel: fails here
            self.fc = nn.Linear(12, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = F.max_pool2d(self.conv(x), 2)
            return self.fc(x.view(x.size(0), -1))

    followed = follow_model(Broken(), (1, 6, 6))
    assert [s.describe() for s in followed.steps] == [
        "conv 2->3 kernel 3 padding 0",
        "max pool 2",
        "flatten",
        "linear 12->1",
    ]
    assert all(s.shape is None for s in followed.steps)


def test_a_stub_forward_is_not_attempted() -> None:
    class Stub(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise NotImplementedError

    with pytest.raises(NotAttempted, match=r"Stub\.forward still raises NotImplementedError"):
        model_steps(Stub(), (4,))


def test_following_a_model_generates_no_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trace that is only read skips fx's code generation and compile (half of its time)."""
    expected = model_steps(spell.Sequential(), INPUT)

    def no_codegen(*args: object, **kwargs: object) -> None:
        raise AssertionError("fx generated code for a trace that is only read")

    monkeypatch.setattr(fx.Graph, "python_code", no_codegen)
    assert model_steps(spell.Functional(), INPUT) == expected
    assert "not generated" in str(trace(spell.Functional(), callable_=False))
