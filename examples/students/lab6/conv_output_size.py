"""``conv_output_size(input_size, kernel_size, stride=1, padding=0) -> int``."""

from students.variant import mistake, right

Q = "conv_output_size"

VARIANTS = (
    right(
        Q,
        "floor_division",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return (input_size + 2 * padding - kernel_size) // stride + 1
    """,
    ),
    right(
        Q,
        "math_floor",
        """
        import math


        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            \"\"\"Height (or width) of the output of a convolution.\"\"\"
            return math.floor((input_size + 2 * padding - kernel_size) / stride) + 1
    """,
    ),
    right(
        Q,
        "int_of_true_division",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            # the numerator is never negative for a kernel that fits, so int() floors
            out = int((input_size - kernel_size + 2 * padding) / stride) + 1
            return out
    """,
    ),
    right(
        Q,
        "count_positions",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            padded = input_size + 2 * padding
            count = 0
            start = 0
            while start + kernel_size <= padded:
                count += 1
                start += stride
            return count
    """,
    ),
    right(
        Q,
        "len_of_range",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            last_start = input_size + 2 * padding - kernel_size
            return len(range(0, last_start + 1, stride))
    """,
    ),
    right(
        Q,
        "divmod",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            steps, _ = divmod(input_size + 2 * padding - kernel_size, stride)
            return steps + 1
    """,
    ),
    right(
        Q,
        "ask_pytorch",
        """
        import torch
        from torch import nn


        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            conv = nn.Conv2d(1, 1, kernel_size, stride=stride, padding=padding)
            with torch.no_grad():
                out = conv(torch.zeros(1, 1, input_size, input_size))
            return out.shape[-1]
    """,
        note="lets nn.Conv2d do the arithmetic",
    ),
    mistake(
        Q,
        "forgot_plus_one",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return (input_size + 2 * padding - kernel_size) // stride
    """,
        words=("conv_output_size|kernel_size|+ 1|+1|off by one",),
    ),
    mistake(
        Q,
        "ignores_padding",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return (input_size - kernel_size) // stride + 1
    """,
        words=("padding",),
    ),
    mistake(
        Q,
        "padding_one_side",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return (input_size + padding - kernel_size) // stride + 1
    """,
        words=("padding",),
    ),
    mistake(
        Q,
        "ignores_stride",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return input_size + 2 * padding - kernel_size + 1
    """,
        words=("stride",),
    ),
    mistake(
        Q,
        "ceil_instead_of_floor",
        """
        import math


        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return math.ceil((input_size + 2 * padding - kernel_size) / stride) + 1
    """,
        words=("stride",),
    ),
    mistake(
        Q,
        "returns_float",
        """
        def conv_output_size(input_size, kernel_size, stride=1, padding=0):
            return (input_size + 2 * padding - kernel_size) / stride + 1
    """,
        words=("stride|int",),
        note="true division: 48.5 where nn.Conv2d gives 48",
    ),
)
