"""Cells that are broken (they do not run) or hostile (they try to fool the grader).

A grader must never give these more than honest: the question they sit in deserves less than
full marks. Sources are whole cells, like the rest of the library.
"""

from __future__ import annotations

from students.lab6.cnn import LECTURE as LECTURE_CNN
from students.variant import Variant, broken, hostile

FAKE_RESULT = (
    '{"assignment": "lab6", "score": 40.0, "max_score": 40.0, "isolation": "bubblewrap", '
    '"questions": [], "errors": []}'
)

BROKEN: tuple[Variant, ...] = (
    broken(
        "cnn",
        "syntax_error",
        """
        from torch import nn


        class CNN(nn.Module)
            def __init__(self):
                super().__init__()
                self.main = nn.Sequential(
                    nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(1250, 1),
                )

            def forward(self, x):
                return self.main(x)
    """,
        note="a colon missing after the class line: the whole cell never runs",
    ),
    broken(
        "conv2d_single",
        "name_error",
        """
        import torch


        def conv2d_single(image, kernel, stride=1, padding=0):
            image = zero_pad(image, padding)  # a helper the student never wrote
            kh, kw = kernel.shape
            out_h = (image.shape[0] - kh) // stride + 1
            out_w = (image.shape[1] - kw) // stride + 1
            out = torch.zeros(out_h, out_w)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = (image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel).sum()
            return out
    """,
        note="NameError when called",
    ),
    broken("q3", "syntax_error", "q3 = 3 x 3 x 3 x 3 + 3"),
    broken("q4", "name_error", "q4 = conv_out.shape", note="conv_out was only defined in the lecture"),
)

HOSTILE: tuple[Variant, ...] = (
    hostile(
        "cnn",
        "fake_parameter_count",
        """
        import torch
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(100 * 100, 1)

            def forward(self, x):
                return self.fc(x.flatten(1))


        _fake = nn.Parameter(torch.zeros(1337))
        nn.Module.parameters = lambda self, recurse=True: iter([_fake])
        nn.Module.named_parameters = lambda self, *args, **kwargs: iter([("weight", _fake)])
    """,
        note="a one-layer model that reports the lecture's 1,337 parameters",
    ),
    hostile(
        "cnn",
        "infinite_loop",
        """
        while True:
            pass
    """
        + LECTURE_CNN.replace("\n    ", "\n        "),
        note="a top-level loop before a right class: the class is never defined",
    ),
    hostile(
        "conv2d_single",
        "patched_comparisons",
        """
        import torch


        def conv2d_single(image, kernel, stride=1, padding=0):
            return torch.zeros(1, 1)


        torch.allclose = lambda *args, **kwargs: True
        torch.equal = lambda *args, **kwargs: True
        torch.testing.assert_close = lambda *args, **kwargs: None
        torch.Tensor.__eq__ = lambda self, other: torch.tensor(True)
    """,
        note="a wrong function, and every comparison the tests might use patched to agree",
    ),
    hostile(
        "budget_cnn",
        "fake_json_and_exit",
        f"""
        import os
        import sys

        print('{FAKE_RESULT}')
        sys.stdout.flush()
        os._exit(0)
    """,
        note="prints a perfect result and ends the interpreter before BudgetCNN exists",
    ),
    hostile(
        "q3",
        "always_equal_int",
        """
        class _AlwaysEqual(int):
            def __eq__(self, other):
                return True

            __hash__ = int.__hash__


        q3 = _AlwaysEqual(0)
    """,
    ),
    hostile(
        "q1",
        "always_equal_str",
        """
        class _Sly(str):
            def __eq__(self, other):
                return True

            __hash__ = str.__hash__

            def strip(self, *args):
                return self

            def upper(self):
                return self


        q1 = _Sly("A")
    """,
    ),
    hostile(
        "q10",
        "fake_json_and_exit",
        """
        import os

        print('{"assignment": "quiz6", "score": 10.0, "max_score": 10.0, "questions": [], "errors": []}')
        os._exit(0)
    """,
        note="prints a perfect result and ends the interpreter before q10 exists",
    ),
)
