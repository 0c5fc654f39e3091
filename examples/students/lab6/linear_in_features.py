"""``linear_in_features``: 3,600 after Conv(3,8,5) -> Pool 2 -> Conv(8,16,3,p1) -> Pool 2 on 3x64x64."""

from students.variant import mistake, right

Q = "linear_in_features"

VARIANTS = (
    right(Q, "literal", "linear_in_features = 3600"),
    right(
        Q,
        "arithmetic",
        """
        # 64 -> conv 5 -> 60 -> pool -> 30 -> conv 3 pad 1 -> 30 -> pool -> 15
        linear_in_features = 16 * 15 * 15
    """,
    ),
    right(Q, "float", "linear_in_features = 3600.0"),
    right(
        Q,
        "numpy_int",
        """
        import numpy as np

        linear_in_features = np.int64(16) * 15 * 15
    """,
    ),
    right(
        Q,
        "measured_with_torch",
        """
        import torch
        from torch import nn

        features = nn.Sequential(
            nn.Conv2d(3, 8, 5), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.MaxPool2d(2), nn.Flatten()
        )
        linear_in_features = features(torch.zeros(1, 3, 64, 64)).shape[1]
    """,
    ),
    mistake(Q, "value_1152", "linear_in_features = 1152"),
    mistake(Q, "value_5000", "linear_in_features = 5000"),
    mistake(
        Q,
        "conv_shrink_forgotten",
        "linear_in_features = 16 * 16 * 16",
        note="64 -> pool -> 32 -> pool -> 16, as if the 5x5 conv kept the size",
    ),
    mistake(
        Q,
        "padding_forgotten",
        "linear_in_features = 16 * 14 * 14",
        note="the second conv's padding ignored: 30 -> 28 -> 14",
    ),
    mistake(Q, "second_pool_forgotten", "linear_in_features = 16 * 30 * 30"),
    mistake(Q, "string", 'linear_in_features = "3600"', words=("int|integer|number",)),
    mistake(Q, "shape_tuple", "linear_in_features = (16, 15, 15)", words=("int|integer|number",)),
)
