"""Answers to ``quiz6``: ``q1`` ... ``q10``, in the loose formats a person would accept."""

from __future__ import annotations

from students.variant import Variant, mistake, right


def _right(q: str, *sources: tuple[str, str]) -> tuple[Variant, ...]:
    return tuple(right(q, name, src) for name, src in sources)


VARIANTS: tuple[Variant, ...] = (
    *_right(
        "q1",
        ("upper", 'q1 = "C"'),
        ("lower", 'q1 = "c"'),
        ("padded", 'q1 = " C "'),
        ("single_quotes_lower_padded", "q1 = 'c '"),
        ("parenthesised", 'q1 = "(C)"'),
    ),
    mistake("q1", "letter_a", 'q1 = "A"', note="thinks the output keeps the input size"),
    mistake("q1", "letter_b", 'q1 = "B"', note="thinks the output has the kernel's size"),
    mistake("q1", "shape_not_letter", "q1 = (2, 2)", words=("letter",), note="the right shape, not a letter"),
    *_right(
        "q2",
        ("set", 'q2 = {"C"}'),
        ("list_lower", 'q2 = ["c"]'),
        ("string", 'q2 = "C"'),
        ("tuple", 'q2 = ("C",)'),
        ("frozenset", 'q2 = frozenset("c")'),
        ("padded_string", 'q2 = " c "'),
        ("parenthesised", 'q2 = ["(c)"]'),
    ),
    mistake(
        "q2",
        "extra_letter",
        'q2 = {"C", "D"}',
        note="D is not always true: a narrow added layer can shrink the one after it",
    ),
    mistake("q2", "string_extra_letter", 'q2 = "CE"'),
    mistake("q2", "input_is_2d", 'q2 = {"A", "C"}'),
    mistake("q2", "empty", "q2 = set()"),
    *_right(
        "q3",
        ("int", "q3 = 84"),
        ("float", "q3 = 84.0"),
        ("numpy_int", "import numpy as np\n\nq3 = np.int64(84)"),
        ("arithmetic", "q3 = 3 * 3 * (3 * 3) + 3"),
        (
            "measured",
            "import torch\n\nconv = torch.nn.Conv2d(3, 3, kernel_size=(3, 3))\n"
            "q3 = sum(p.numel() for p in conv.parameters())",
        ),
    ),
    mistake("q3", "bias_forgotten", "q3 = 81"),
    mistake("q3", "one_input_channel", "q3 = 30", note="the answer for Conv2d(1, 3, 3)"),
    mistake("q3", "string", 'q3 = "84"', words=("number|int|integer",)),
    *_right(
        "q4",
        ("tuple", "q4 = (1, 1, 96, 96)"),
        ("list", "q4 = [1, 1, 96, 96]"),
        ("torch_size", "import torch\n\nq4 = torch.Size([1, 1, 96, 96])"),
        ("tensor", "import torch\n\nq4 = torch.tensor([1, 1, 96, 96])"),
        (
            "measured",
            "import torch\n\nconv = torch.nn.Conv2d(1, 1, kernel_size=(5, 5))\n"
            "q4 = conv(torch.zeros(1, 1, 100, 100)).shape",
        ),
    ),
    mistake("q4", "off_by_one", "q4 = (1, 1, 95, 95)"),
    mistake("q4", "same_size", "q4 = (1, 1, 100, 100)"),
    mistake("q4", "spatial_only", "q4 = (96, 96)"),
    mistake("q4", "string", 'q4 = "1x1x96x96"', words=("shape|tuple",)),
    *_right(
        "q5",
        ("int", "q5 = 25"),
        ("float", "q5 = 25.0"),
        ("kernel_half", "q5 = 51 // 2"),
        ("formula", "q5 = (51 - 1) // 2"),
        ("numpy_int", "import numpy as np\n\nq5 = np.int64(25)"),
    ),
    mistake("q5", "half_plus_one", "q5 = 51 // 2 + 1", note="26"),
    mistake("q5", "whole_kernel", "q5 = 50"),
    mistake("q5", "same_string", 'q5 = "same"', words=("number|int|integer",)),
    *_right(
        "q6",
        ("tuple", "q6 = (26, 26)"),
        ("list", "q6 = [26, 26]"),
        ("torch_size", "import torch\n\nq6 = torch.Size([26, 26])"),
        ("numpy_array", "import numpy as np\n\nq6 = np.array([26, 26])"),
        (
            "measured",
            "import torch\n\nconv = torch.nn.Conv2d(1, 1, 25, stride=3)\n"
            "q6 = tuple(conv(torch.zeros(1, 1, 100, 100)).shape[2:])",
        ),
    ),
    mistake("q6", "stride_ignored", "q6 = (76, 76)"),
    mistake("q6", "ceil", "q6 = (27, 27)"),
    mistake("q6", "plus_one_forgotten", "q6 = (25, 25)"),
    mistake("q6", "one_number", "q6 = 26", words=("shape|tuple|list",)),
    *_right(
        "q7",
        ("tuple", "q7 = (8, 3, 5, 5)"),
        ("list", "q7 = [8, 3, 5, 5]"),
        ("measured", "import torch\n\nq7 = torch.nn.Conv2d(3, 8, kernel_size=5).weight.shape"),
    ),
    mistake("q7", "in_out_swapped", "q7 = (3, 8, 5, 5)"),
    mistake("q7", "kernel_only", "q7 = (5, 5)"),
    *_right(
        "q8",
        ("nested_list", "q8 = [[7, 9], [8, 4]]"),
        ("tensor", "import torch\n\nq8 = torch.tensor([[7, 9], [8, 4]])"),
        ("float_tensor", "import torch\n\nq8 = torch.tensor([[7.0, 9.0], [8.0, 4.0]])"),
        ("numpy_array", "import numpy as np\n\nq8 = np.array([[7, 9], [8, 4]])"),
        (
            "measured",
            "import torch\nimport torch.nn.functional as F\n\n"
            "x = torch.tensor([[1.0, 3, 2, 9], [7, 4, 1, 5], [8, 5, 2, 3], [4, 2, 1, 4]])\n"
            "q8 = F.max_pool2d(x[None, None], 2)[0, 0]",
        ),
    ),
    mistake("q8", "transposed", "q8 = [[7, 8], [9, 4]]"),
    mistake("q8", "average", "q8 = [[3.75, 4.25], [4.75, 2.5]]"),
    mistake("q8", "flat_list", "q8 = [7, 9, 8, 4]", words=("nested|list|2x2|shape",)),
    *_right(
        "q9",
        ("int", "q9 = 20001"),
        ("arithmetic", "q9 = 2 * 100 * 100 + 1"),
        ("float", "q9 = 20001.0"),
        ("numpy_int", "import numpy as np\n\nq9 = np.int64(20001)"),
    ),
    mistake("q9", "bias_forgotten", "q9 = 20000"),
    mistake("q9", "whole_network", "q9 = 20087", note="the whole network, not its last layer"),
    mistake("q9", "pooled_network", "q9 = 1251", note="the pooled CNN's last layer"),
    *_right(
        "q10",
        ("upper", 'q10 = "B"'),
        ("lower", 'q10 = "b"'),
        ("padded", 'q10 = "  B\\n"'),
        ("parenthesised", 'q10 = "(b)"'),
    ),
    mistake("q10", "channels_last", 'q10 = "A"'),
    mistake("q10", "spelled_out", 'q10 = "batch, channels, height, width"', words=("letter",)),
)
