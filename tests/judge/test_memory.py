"""A warm judge's memory: a submission's rebuilt models are freed before the next submission."""

from __future__ import annotations

import gc
import linecache
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.fx import graph_module

from cnngrader.confine.trusted import launcher
from cnngrader.judge import memory


@pytest.fixture
def no_automatic_collection() -> Iterator[None]:
    """The collector runs only when asked, as it rarely runs in a worker full of torch objects."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_rebuilt_model_in_a_cycle_is_freed_by_the_release(no_automatic_collection: None) -> None:
    module = torch.fx.symbolic_trace(nn.Sequential(nn.Linear(512, 512)))
    assert module.graph.owning_module is module  # a reference cycle: only the collector frees it
    weight = weakref.ref(module.get_parameter("0.weight"))
    del module
    assert weight() is not None
    memory.release_submission()
    assert weight() is None


def test_the_release_drops_fx_sources(no_automatic_collection: None) -> None:
    torch.fx.symbolic_trace(nn.Sequential(nn.ReLU()))
    keys = list(graph_module._loader.eval_cache)
    assert keys and any(key in linecache.cache for key in keys)
    memory.release_submission()
    assert not graph_module._loader.eval_cache
    assert not any(key in linecache.cache for key in keys)


def test_frozen_start_up_is_left_out_of_collections() -> None:
    try:
        memory.freeze_startup()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_large_tensors_are_asked_for_on_huge_pages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("THP_MEM_ALLOC_ENABLE", raising=False)
    mode = tmp_path / "enabled"
    monkeypatch.setattr(launcher, "THP_MODE", mode)
    mode.write_text("always [madvise] never\n")
    assert memory.huge_pages_for_tensors({}) == {"THP_MEM_ALLOC_ENABLE": "1"}
    said = {"THP_MEM_ALLOC_ENABLE": "0"}  # a user who turned it off keeps it off
    assert memory.huge_pages_for_tensors(said) == {"THP_MEM_ALLOC_ENABLE": "0"}
    mode.write_text("always madvise [never]\n")  # torch's madvise would fail, and warn in cells
    assert memory.huge_pages_for_tensors({}) == {"THP_MEM_ALLOC_ENABLE": "0"}
    mode.unlink()  # a kernel built without them
    assert launcher.huge_pages_setting() == "0"
    monkeypatch.setenv("THP_MEM_ALLOC_ENABLE", "1")  # the trusted side's own setting goes to the sandbox
    assert launcher.huge_pages_setting() == "1"
