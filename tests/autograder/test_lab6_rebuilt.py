"""The hidden suites on rebuilt models, as the trusted judge sees them: each model described (as
the confined child does), carried as JSON + safetensors bytes, validated and rebuilt from the
whitelist. Grades must be those of the live models."""

from __future__ import annotations

import json
from typing import Any

import pytest
import test_lab6_models as models
import torch
from graded import Graded, namespace
from lab6_code import LAB6

from cnngrader.confine.child.describe import describe_model
from cnngrader.confine.shared.wire import tensors_from_bytes, tensors_to_bytes
from cnngrader.judge.local import LocalSubmission
from cnngrader.judge.session import HiddenSuite
from cnngrader.rebuild import ModelDescription, rebuild


class RebuiltSubmission(LocalSubmission):
    """Values and functions from the namespace; every model only as the judge would rebuild it."""

    def model(self, class_name: str, *args: Any, **kwargs: Any) -> torch.nn.Module:
        live = super().model(class_name, *args, **kwargs)
        description, tensors = describe_model(live)
        carried = ModelDescription.from_json(
            json.loads(json.dumps(description)), tensors_from_bytes(tensors_to_bytes(tensors))
        )
        return rebuild(carried)


def grade_both(suite: HiddenSuite, code: str) -> tuple[Graded, Graded]:
    ns = namespace(LAB6, code)
    live = Graded.of(suite.run(LocalSubmission(ns), seed=0))
    rebuilt = Graded.of(suite.run(RebuiltSubmission(ns), seed=0))
    return live, rebuilt


CASES = {
    **{f"right: {k}": v for k, v in models.RIGHT.items()},
    **{k: m.code for k, m in models.MISTAKES.items()},
}


@pytest.mark.parametrize("code", CASES.values(), ids=CASES.keys())
def test_rebuilt_models_get_the_grades_of_the_live_ones(lab6_suite: HiddenSuite, code: str) -> None:
    live, rebuilt = grade_both(lab6_suite, code)
    assert rebuilt.questions == live.questions, f"live:\n{live.failures()}\nrebuilt:\n{rebuilt.failures()}"


def test_the_reference_rebuilt_gets_full_marks(lab6_suite: HiddenSuite) -> None:
    _, rebuilt = grade_both(lab6_suite, "")
    rebuilt.assert_full_marks()
