"""The library's answers on a student's own numbers, for assignments with per-student variants.

The library (``quiz6.py``, ``lab6/``) answers the canonical variant, the lecture's numbers, and the
corpus keeps that meaning. A student of the sample course answers their own variant: the same
answer in the same style (``q3/float``), or the same mistake (``q3/bias_forgotten``), on their
numbers. Each translation below is keyed by the library's variant key; a key without one is an
answer whose cell does not depend on the numbers (a stub, a broken or a hostile cell), kept as is.

The numbers come from the course's own drawing code (``autograder/<id>/_<id>_draw.py``) and the
right answers from its ``variant.py`` hook, as ``cnngrader variant`` prints them.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from cnngrader.course import Course
from cnngrader.course.variants import variant_for
from students.variant import Kind, Variant

LETTERS = "ABCDE"


class Numbers:
    """One question of one student: its drawn parameters ``p`` and its right answer ``right``."""

    def __init__(self, p: dict[str, Any], right: Any) -> None:
        self.p, self.right = p, right

    def letter_of(self, option: Any) -> str:
        return LETTERS[[tuple(o) for o in self.p["options"]].index(tuple(option))]

    def false_letters(self) -> list[str]:
        return [LETTERS[i] for i in range(len(self.p["statements"])) if LETTERS[i] not in self.right]


Translation = Callable[[Numbers], str]


def _letters(letters: Any) -> list[str]:
    return sorted(letters)


def _set_literal(letters: Any) -> str:
    return "{" + ", ".join(f'"{x}"' for x in _letters(letters)) + "}" if letters else "set()"


def _floats(grid: list[list[int]]) -> list[list[float]]:
    return [[float(x) for x in row] for row in grid]


def _q(question: str, fn: Callable[[Numbers], str]) -> Translation:
    return lambda n: f"{question} = {fn(n)}"


QUIZ6: dict[str, Translation] = {
    # q1: the output shape of a filter, as a letter
    "q1/upper": _q("q1", lambda n: f'"{n.right}"'),
    "q1/lower": _q("q1", lambda n: f'"{n.right.lower()}"'),
    "q1/padded": _q("q1", lambda n: f'" {n.right} "'),
    "q1/single_quotes_lower_padded": _q("q1", lambda n: f"'{n.right.lower()} '"),
    "q1/parenthesised": _q("q1", lambda n: f'"({n.right})"'),
    "q1/letter_a": _q("q1", lambda n: f'"{n.letter_of((n.p["size"], n.p["size"]))}"'),  # keeps the size
    # q2: the true statements
    "q2/set": _q("q2", lambda n: _set_literal(n.right)),
    "q2/list_lower": _q("q2", lambda n: repr([x.lower() for x in _letters(n.right)])),
    "q2/string": _q("q2", lambda n: repr("".join(_letters(n.right)))),
    "q2/tuple": _q("q2", lambda n: repr(tuple(_letters(n.right)))),
    "q2/frozenset": _q("q2", lambda n: f'frozenset("{"".join(_letters(n.right)).lower()}")'),
    "q2/padded_string": _q("q2", lambda n: repr(" " + "".join(_letters(n.right)).lower() + " ")),
    "q2/parenthesised": _q("q2", lambda n: repr([f"({x.lower()})" for x in _letters(n.right)])),
    "q2/extra_letter": _q("q2", lambda n: _set_literal({*n.right, n.false_letters()[0]})),
    "q2/string_extra_letter": _q("q2", lambda n: repr("".join(_letters({*n.right, n.false_letters()[0]})))),
    # q3: the parameters of a convolution layer
    "q3/int": _q("q3", lambda n: str(n.right)),
    "q3/float": _q("q3", lambda n: f"{n.right}.0"),
    "q3/numpy_int": lambda n: f"import numpy as np\n\nq3 = np.int64({n.right})",
    "q3/arithmetic": _q("q3", lambda n: "{o} * {i} * {kh} * {kw} + {o}".format(
        o=n.p["out_channels"], i=n.p["in_channels"], kh=n.p["kernel_size"][0], kw=n.p["kernel_size"][1])),
    "q3/measured": lambda n: (
        "import torch\n\n"
        f"conv = torch.nn.Conv2d({n.p['in_channels']}, {n.p['out_channels']}, "
        f"kernel_size={tuple(n.p['kernel_size'])})\n"
        "q3 = sum(p.numel() for p in conv.parameters())"
    ),
    "q3/bias_forgotten": _q("q3", lambda n: str(n.right - n.p["out_channels"])),
    # q4: the shape of a convolution's output
    "q4/tuple": _q("q4", lambda n: repr(tuple(n.right))),
    "q4/list": _q("q4", lambda n: repr(list(n.right))),
    "q4/torch_size": lambda n: f"import torch\n\nq4 = torch.Size({list(n.right)})",
    "q4/tensor": lambda n: f"import torch\n\nq4 = torch.tensor({list(n.right)})",
    "q4/measured": lambda n: (
        "import torch\n\n"
        f"conv = torch.nn.Conv2d({n.p['input'][1]}, {n.p['out_channels']}, "
        f"kernel_size=({n.p['kernel_size']}, {n.p['kernel_size']}))\n"
        f"q4 = ({n.p['input'][0]}, *conv(torch.zeros(1, *{tuple(n.p['input'][1:])})).shape[1:])"
    ),
    "q4/off_by_one": _q("q4", lambda n: repr((*n.right[:2], n.right[2] - 1, n.right[3] - 1))),
    # q5: the padding that keeps the size
    "q5/int": _q("q5", lambda n: str(n.right)),
    "q5/float": _q("q5", lambda n: f"{n.right}.0"),
    "q5/kernel_half": _q("q5", lambda n: f"{n.p['kernel']} // 2"),
    "q5/formula": _q("q5", lambda n: f"({n.p['kernel']} - 1) // 2"),
    "q5/numpy_int": lambda n: f"import numpy as np\n\nq5 = np.int64({n.right})",
    "q5/half_plus_one": _q("q5", lambda n: f"{n.p['kernel']} // 2 + 1"),
    # q6: the size after a kernel with a stride
    "q6/tuple": _q("q6", lambda n: repr(tuple(n.right))),
    "q6/list": _q("q6", lambda n: repr(list(n.right))),
    "q6/torch_size": lambda n: f"import torch\n\nq6 = torch.Size({list(n.right)})",
    "q6/numpy_array": lambda n: f"import numpy as np\n\nq6 = np.array({list(n.right)})",
    "q6/measured": lambda n: (
        "import torch\n\n"
        f"conv = torch.nn.Conv2d(1, 1, {n.p['kernel']}, stride={n.p['stride']})\n"
        f"q6 = tuple(conv(torch.zeros(1, 1, {n.p['size'][0]}, {n.p['size'][1]})).shape[2:])"
    ),
    "q6/stride_ignored": _q("q6", lambda n: repr(tuple(s - n.p["kernel"] + 1 for s in n.p["size"]))),
    "q6/plus_one_forgotten": _q("q6", lambda n: repr(tuple(s - 1 for s in n.right))),
    # q7: the shape of the weights
    "q7/tuple": _q("q7", lambda n: repr(tuple(n.right))),
    "q7/list": _q("q7", lambda n: repr(list(n.right))),
    "q7/measured": lambda n: (
        "import torch\n\n"
        f"q7 = torch.nn.Conv2d({n.p['in_channels']}, {n.p['out_channels']}, "
        f"kernel_size={n.p['kernel_size']!r}).weight.shape"
    ),
    "q7/in_out_swapped": _q("q7", lambda n: repr((n.right[1], n.right[0], *n.right[2:]))),
    # q8: max pooling
    "q8/nested_list": _q("q8", lambda n: repr(n.right)),
    "q8/tensor": lambda n: f"import torch\n\nq8 = torch.tensor({n.right!r})",
    "q8/float_tensor": lambda n: f"import torch\n\nq8 = torch.tensor({_floats(n.right)!r})",
    "q8/numpy_array": lambda n: f"import numpy as np\n\nq8 = np.array({n.right!r})",
    "q8/measured": lambda n: (
        "import torch\nimport torch.nn.functional as F\n\n"
        f"x = torch.tensor({n.p['grid']!r}, dtype=torch.float32)\n"
        f"q8 = F.max_pool2d(x[None, None], {n.p['window']})[0, 0]"
    ),
    "q8/transposed": _q("q8", lambda n: repr([list(col) for col in zip(*n.right, strict=True)])),
    # q9: the last layer of a CNN without pooling
    "q9/int": _q("q9", lambda n: str(n.right)),
    "q9/float": _q("q9", lambda n: f"{n.right}.0"),
    "q9/numpy_int": lambda n: f"import numpy as np\n\nq9 = np.int64({n.right})",
    "q9/arithmetic": _q("q9", lambda n: "{out} * ({inputs} + 1)".format(
        out=n.p["outputs"], inputs=(n.right // n.p["outputs"]) - 1)),
    "q9/bias_forgotten": _q("q9", lambda n: str(n.right - n.p["outputs"])),
    "q9/whole_network": _q("q9", lambda n: str(n.right + sum(
        out * (inp * k * k + 1) for inp, out, k, _ in n.p["convs"]))),
    # q10: the layout of a batch
    "q10/upper": _q("q10", lambda n: f'"{n.right}"'),
    "q10/lower": _q("q10", lambda n: f'"{n.right.lower()}"'),
    "q10/padded": _q("q10", lambda n: f'"  {n.right}\\n"'),
    "q10/parenthesised": _q("q10", lambda n: f'"({n.right.lower()})"'),
    "q10/channels_last": _q("q10", lambda n: f'"{n.letter_of(channels_last(n.p))}"'),
}


def _last_size(n: Numbers) -> tuple[int, int]:
    """Height and width of the last feature maps of question 7's stack (conv, pool, conv, pool)."""
    (_, _, k1), (_, _, k2, p2) = n.p["conv1"], n.p["conv2"]
    sizes = []
    for size in n.p["image"][1:]:
        size = (size - k1 + 1) // 2
        sizes.append((size + 2 * p2 - k2 + 1) // 2)
    return sizes[0], sizes[1]


def _shape(n: Numbers) -> str:
    return repr((n.p["conv2"][1], *_last_size(n)))


def _wrong(n: Numbers, value: int) -> str:
    """A wrong number the library uses, unless it happens to be this student's right one."""
    return str(value if value != n.right else value + 1)


LAB6: dict[str, Translation] = {
    "linear_in_features/literal": _q("linear_in_features", lambda n: str(n.right)),
    "linear_in_features/arithmetic": lambda n: (
        "# conv, pool, conv, pool: the height and width of the last feature maps, times its channels\n"
        "linear_in_features = {} * {} * {}".format(n.p["conv2"][1], *_last_size(n))
    ),
    "linear_in_features/float": _q("linear_in_features", lambda n: f"{n.right}.0"),
    "linear_in_features/numpy_int": lambda n: (
        "import numpy as np\n\nlinear_in_features = np.int64({}) * {} * {}".format(
            n.p["conv2"][1], *_last_size(n)
        )
    ),
    "linear_in_features/measured_with_torch": lambda n: (
        "import torch\nfrom torch import nn\n\n"
        "features = nn.Sequential(\n"
        f"    nn.Conv2d{n.p['conv1']}, nn.MaxPool2d(2),\n"
        "    nn.Conv2d({}, {}, {}, padding={}), nn.MaxPool2d(2), nn.Flatten()\n".format(*n.p["conv2"])
        + ")\n"
        f"linear_in_features = features(torch.zeros(1, *{tuple(n.p['image'])})).shape[1]"
    ),
    "linear_in_features/value_1152": _q("linear_in_features", lambda n: _wrong(n, 1152)),
    "linear_in_features/value_5000": _q("linear_in_features", lambda n: _wrong(n, 5000)),
    "linear_in_features/string": _q("linear_in_features", lambda n: f'"{n.right}"'),
    "linear_in_features/shape_tuple": _q("linear_in_features", _shape),
}


def channels_last(p: dict[str, Any]) -> tuple[Any, ...]:
    if "batch" not in p:
        return ("batch", "height", "width", "channels")
    return (p["batch"], *p["size"], 3)


TRANSLATIONS: dict[str, dict[str, Translation]] = {"quiz6": QUIZ6, "lab6": LAB6}


@cache
def _draw_module(course_root: Path, assignment: str) -> Any:
    path = course_root / "autograder" / assignment / f"_{assignment}_draw.py"
    spec = importlib.util.spec_from_file_location(f"_own_{assignment}_draw", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@cache
def _right_answers(course_root: Path, assignment: str, student: str) -> dict[str, Any]:
    variant = variant_for(course=Course.open(course_root), assignment=assignment, student=student)
    return {q.id: ast.literal_eval(q.answer) for q in variant.questions}


def has_variants(assignment: str) -> bool:
    return assignment in TRANSLATIONS


def own_source(course_root: Path, student: str, variant: Variant) -> str | None:
    """The cell ``student`` writes for this library answer, on their own numbers."""
    translations = TRANSLATIONS.get(variant.assignment, {})
    if variant.key not in translations:
        if variant.kind in (Kind.RIGHT, Kind.MISTAKE) and variant.question in _right_answers(
            course_root, variant.assignment, student
        ):
            raise KeyError(f"{variant.key} has no translation to a student's own numbers (students/own.py)")
        return variant.source
    drawn = _draw_module(course_root, variant.assignment).draw(student)
    params = drawn.get(variant.question, drawn)  # a notebook with one question that varies draws it alone
    right = _right_answers(course_root, variant.assignment, student)[variant.question]
    return translations[variant.key](Numbers(params, right))
