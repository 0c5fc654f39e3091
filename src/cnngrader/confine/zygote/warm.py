"""Zygote side: what the zygote loads and exercises once, so that its children start warm."""

from __future__ import annotations

import contextlib
import os
import shutil
from typing import Any


def prepare_matplotlib(mplconfigdir: str, fonts: str) -> None:
    """Put the judge's prebuilt font list where matplotlib looks, so it never rebuilds it here."""
    os.makedirs(mplconfigdir, exist_ok=True)
    if fonts and os.path.isdir(fonts):
        for entry in os.scandir(fonts):
            if entry.name.startswith("fontlist") and entry.is_file(follow_symlinks=False):
                shutil.copyfile(entry.path, os.path.join(mplconfigdir, entry.name))


def _keep_one_thread(nthreads: int) -> None:
    """Stands in for ``torch.set_num_threads`` in children: accepted, and one thread it stays."""
    if not isinstance(nthreads, int) or nthreads < 1:
        raise ValueError("set_num_threads expects a positive integer")


def warm_up() -> None:
    """Import what notebooks use and run the paths every child takes, once, before any fork."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy
    import numpy.random  # loaded lazily by numpy: 8-15 ms in each child that seeds (every instantiate)
    import safetensors.torch  # noqa: F401
    import torch
    import torch.fx
    import torch.nn.functional
    import torch.optim

    with contextlib.suppress(ImportError):
        import torchsummary  # noqa: F401
    with contextlib.suppress(ImportError):
        import tqdm

        # tqdm's monitor thread would outlive the cells, and probes refuse a notebook with threads.
        tqdm.tqdm.monitor_interval = 0
    numpy.random.seed(0)  # the legacy global generator, made once here rather than in each child
    torch.set_num_threads(1)  # two workers share two cores
    # ...and children keep to one: a pool of threads left behind would make probes refuse the
    # notebook (they only ask a still one), so a cell's torch.set_num_threads(4) is let be a no-op.
    torch.set_num_threads = _keep_one_thread
    # plt.show() under Agg warns on stderr, which nbgrader would count against a cell.
    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
    warnings.filterwarnings("ignore", message=".*is non-interactive, and thus cannot be shown")
    from cnngrader.confine.child import main as child  # noqa: F401
    from cnngrader.confine.child.describe import describe_model
    from cnngrader.confine.child.describe.values import to_plain
    from cnngrader.confine.shared.wire import pack, tensors_payload

    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(8, 1))
    with torch.no_grad():
        out = model(torch.zeros(1, 1, 6, 6))
    _, tensors = describe_model(model)
    tensors_payload(tensors)
    pack({}, {"value": to_plain(out)}, gather=True)
    plt.figure()
    plt.close("all")
    _warm_public_checks(model)


def _warm_public_checks(model: Any) -> None:
    """The course package a notebook's own checks import (answers, inspect, read.uses), exercised once."""
    with contextlib.suppress(ImportError):
        from cnngrader.answers import as_int
        from cnngrader.inspect import first_divergence, follow_model, steps_from_words
        from cnngrader.read.uses import TORCH_CONVOLUTION, names_used, torch_names

        words = "conv 1->2 kernel 3\nrelu\nmax pool 2\nflatten\nlinear 8->1"
        first_divergence(steps_from_words(words, (1, 6, 6)), follow_model(model, (1, 6, 6)).steps)
        torch_names(names_used(["import torch\ndef f(x):\n    return torch.relu(x)"], "f"), TORCH_CONVOLUTION)
        as_int(1, "warm")
