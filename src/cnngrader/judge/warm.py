"""Trusted side: a judge's first grade made as quick as its later ones, before it is needed.

A cold ``cnngrader check`` grades once, and its first grade cost a third more than a warm one:
torch.fx generating its first modules, torch's first convolution and pooling, the first copies
and checks. A judge runs these paths once on a model of its own (never a student's), as a
submission's model travels them: described as the child describes a model, carried as data,
rebuilt, checked against the original, copied and followed. A cold ``check`` does this while
the zygote is still booting, so it costs no wall time.
"""

from __future__ import annotations

import json

import torch
from torch import nn

from cnngrader.confine.child.describe import describe_model
from cnngrader.confine.shared.wire import tensors_from_bytes, tensors_to_bytes
from cnngrader.inspect import follow_model
from cnngrader.rebuild import ModelDescription, ReproductionCheck, fresh_copy
from cnngrader.rebuild.copies import remember_origin
from cnngrader.rebuild.skeletons import Skeletons

SHAPE = (1, 6, 6)


def warm_up() -> tuple[str, ...]:
    """Describe, rebuild, check, copy and follow a small CNN of the judge's own; its steps' kinds."""
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(18, 1)).eval()  # fmt: skip
    data, tensors = describe_model(model)
    description = ModelDescription.from_json(
        json.loads(json.dumps(data)), tensors_from_bytes(tensors_to_bytes(tensors))
    )
    template, sizes = Skeletons().rebuild(description)

    def reference(*inputs: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            out: torch.Tensor = model(*inputs)
        return out

    copy = fresh_copy(template)
    ReproductionCheck(template, reference, name="warm-up", sizes=sizes).attach(copy)
    remember_origin(copy, template)
    followed = follow_model(copy, SHAPE)
    with torch.no_grad():
        copy(torch.zeros(2, *SHAPE))
    return tuple(step.kind for step in followed.steps)
