"""A judge warms its rebuild paths on a model of its own before its first grade."""

from __future__ import annotations

import torch

from cnngrader.judge.warm import warm_up
from cnngrader.rebuild import verify


def test_warm_up_travels_the_whole_path_of_a_model(monkeypatch):
    """Described, carried as bytes, rebuilt, checked against the original, copied and followed."""
    checked = []
    check = verify.ReproductionCheck.check

    def counted(self, signature):
        checked.append(signature)
        return check(self, signature)

    monkeypatch.setattr(verify.ReproductionCheck, "check", counted)
    assert warm_up() == ("conv", "activation", "pool", "flatten", "linear")
    assert checked and all(dtype is torch.float32 for sig in checked for _, dtype in sig)
