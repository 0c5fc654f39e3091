"""``FCNN(input_size)`` and ``ConvNet(input_channels)``: the lecture's comparison."""

from students.edit import delete_line, insert_line, replace
from students.variant import half_done, mistake, right

Q = "fcnn_vs_convnet"

# The lecture's spelling with its block helpers; most mistakes below are one slip away from it.
LECTURE = """
    from torch import nn


    def linear_block(input_size, output_size):
        return nn.Sequential(nn.Linear(input_size, output_size), nn.ReLU())


    def conv_block(input_channels, output_channels):
        return nn.Sequential(nn.Conv2d(input_channels, output_channels, (3, 3), padding=1), nn.ReLU())


    class FCNN(nn.Module):
        def __init__(self, input_size):
            super().__init__()
            self.main = nn.Sequential(
                linear_block(input_size, 256),
                linear_block(256, 128),
                linear_block(128, 64),
                linear_block(64, 32),
                nn.Linear(32, 16),
                nn.Linear(16, 1),
            )

        def forward(self, x):
            return self.main(x)


    class ConvNet(nn.Module):
        def __init__(self, input_channels):
            super().__init__()
            self.main = nn.Sequential(
                conv_block(input_channels, 3),
                conv_block(3, 3),
                conv_block(3, 3),
                conv_block(3, 3),
                conv_block(3, 3),
                nn.Flatten(),
                nn.Linear(49152, 1),
            )

        def forward(self, x):
            return self.main(x)
"""

# What a student who has not started ConvNet yet leaves (same indentation as LECTURE).
CONVNET_STUB = """class ConvNet(nn.Module):
        def __init__(self, input_channels):
            super().__init__()
            # YOUR CODE HERE
            raise NotImplementedError()

        def forward(self, x):
            # YOUR CODE HERE
            raise NotImplementedError()
"""

VARIANTS = (
    right(Q, "lecture_blocks", LECTURE),
    right(
        Q,
        "flat_sequential",
        """
        import torch
        from torch import nn


        class FCNN(nn.Module):
            def __init__(self, input_size):
                super().__init__()
                self.layers = nn.Sequential(
                    nn.Linear(input_size, 256), nn.ReLU(),
                    nn.Linear(256, 128), nn.ReLU(),
                    nn.Linear(128, 64), nn.ReLU(),
                    nn.Linear(64, 32), nn.ReLU(),
                    nn.Linear(32, 16),
                    nn.Linear(16, 1),
                )

            def forward(self, x):
                return self.layers(x)


        class ConvNet(nn.Module):
            def __init__(self, input_channels):
                super().__init__()
                self.layers = nn.Sequential(
                    nn.Conv2d(input_channels, 3, kernel_size=3, padding=1), nn.ReLU(),
                    nn.Conv2d(3, 3, kernel_size=3, padding=1), nn.ReLU(),
                    nn.Conv2d(3, 3, kernel_size=3, padding=1), nn.ReLU(),
                    nn.Conv2d(3, 3, kernel_size=3, padding=1), nn.ReLU(),
                    nn.Conv2d(3, 3, kernel_size=3, padding=1), nn.ReLU(),
                )
                self.fc = nn.Linear(3 * 128 * 128, 1)

            def forward(self, x):
                return self.fc(torch.flatten(self.layers(x), 1))
    """,
    ),
    right(
        Q,
        "built_in_loops",
        """
        from torch import nn


        class FCNN(nn.Module):
            def __init__(self, input_size):
                super().__init__()
                sizes = [input_size, 256, 128, 64, 32]
                layers = []
                for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                    layers += [nn.Linear(n_in, n_out), nn.ReLU()]
                layers += [nn.Linear(32, 16), nn.Linear(16, 1)]
                self.net = nn.Sequential(*layers)

            def forward(self, x):
                return self.net(x)


        class ConvNet(nn.Module):
            def __init__(self, input_channels):
                super().__init__()
                layers = []
                channels = input_channels
                for _ in range(5):
                    layers += [nn.Conv2d(channels, 3, 3, padding="same"), nn.ReLU()]
                    channels = 3
                layers += [nn.Flatten(), nn.Linear(49152, 1)]
                self.net = nn.Sequential(*layers)

            def forward(self, x):
                return self.net(x)
    """,
    ),
    right(
        Q,
        "functional_forward",
        """
        import torch
        import torch.nn.functional as F
        from torch import nn


        class FCNN(nn.Module):
            def __init__(self, input_size):
                super().__init__()
                self.fc1 = nn.Linear(input_size, 256)
                self.fc2 = nn.Linear(256, 128)
                self.fc3 = nn.Linear(128, 64)
                self.fc4 = nn.Linear(64, 32)
                self.fc5 = nn.Linear(32, 16)
                self.fc6 = nn.Linear(16, 1)

            def forward(self, x):
                x = F.relu(self.fc1(x))
                x = F.relu(self.fc2(x))
                x = F.relu(self.fc3(x))
                x = F.relu(self.fc4(x))
                return self.fc6(self.fc5(x))


        class ConvNet(nn.Module):
            def __init__(self, input_channels):
                super().__init__()
                self.convs = nn.ModuleList(
                    [nn.Conv2d(input_channels, 3, (3, 3), padding=(1, 1))]
                    + [nn.Conv2d(3, 3, (3, 3), padding=(1, 1)) for _ in range(4)]
                )
                self.fc = nn.Linear(49152, 1)

            def forward(self, x):
                for conv in self.convs:
                    x = torch.relu(conv(x))
                return self.fc(x.view(x.size(0), -1))
    """,
    ),
    right(
        Q,
        "subclass_sequential",
        """
        from torch import nn


        class FCNN(nn.Sequential):
            def __init__(self, input_size):
                super().__init__(
                    nn.Linear(input_size, 256), nn.ReLU(),
                    nn.Linear(256, 128), nn.ReLU(),
                    nn.Linear(128, 64), nn.ReLU(),
                    nn.Linear(64, 32), nn.ReLU(),
                    nn.Linear(32, 16), nn.Linear(16, 1),
                )


        class ConvNet(nn.Sequential):
            def __init__(self, input_channels):
                blocks = []
                for i in range(5):
                    blocks.append(nn.Conv2d(input_channels if i == 0 else 3, 3, 3, 1, 1))
                    blocks.append(nn.ReLU())
                super().__init__(*blocks, nn.Flatten(), nn.Linear(49152, 1))
    """,
    ),
    right(
        Q,
        "spare_layer_and_clamp",
        replace(
            replace(LECTURE, "nn.Sequential(nn.Linear(input_size, output_size), nn.ReLU())",
                    "nn.Sequential(nn.Linear(input_size, output_size), Positive())"),
            "class FCNN(nn.Module):",
            """class Positive(nn.Module):
        def forward(self, x):
            return x.clamp(min=0)  # a ReLU by another name


    class FCNN(nn.Module):""",
        ).replace(
            "                nn.Linear(49152, 1),\n            )",
            "                nn.Linear(49152, 1),\n            )\n"
            "            self.spare = nn.Linear(49152, 10)  # never used",
        ),
        note="clamp(min=0) in a module of one's own is a ReLU; a layer forward never uses is not counted",
    ),
    mistake(
        Q,
        "fcnn_extra_relu",
        replace(LECTURE, "nn.Linear(32, 16),", "linear_block(32, 16),"),
        words=("relu|activation",),
        note="a ReLU after 32->16",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "fcnn_relu_at_end",
        replace(LECTURE, "nn.Linear(16, 1),", "linear_block(16, 1),"),
        words=("relu|activation",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "fcnn_missing_relu",
        replace(LECTURE, "linear_block(64, 32),", "nn.Linear(64, 32),"),
        words=("relu|activation",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "fcnn_ignores_input_size",
        replace(LECTURE, "linear_block(input_size, 256)", "linear_block(128 * 128, 256)"),
        words=("input_size|in_features|shape",),
        note="right for 128*128 only",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "fcnn_wrong_width",
        replace(LECTURE, "linear_block(256, 128),\n", "linear_block(256, 100),\n").replace(
            "linear_block(128, 64)", "linear_block(100, 64)"
        ),
        words=("128|linear|features",),
        lose=(1, 2),
    ),
    mistake(
        Q,
        "convnet_no_padding",
        replace(LECTURE, ", padding=1)", ")").replace("49152", "3 * 118 * 118"),
        words=("padding",),
        lose=(1, 2),
    ),
    mistake(
        Q,
        "convnet_ignores_input_channels",
        replace(LECTURE, "conv_block(input_channels, 3)", "conv_block(1, 3)"),
        words=("input_channels|channel",),
        note="right for ConvNet(1) only",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "convnet_wrong_channels",
        replace(
            replace(
                replace(LECTURE, "conv_block(input_channels, 3)", "conv_block(input_channels, 4)"),
                "conv_block(3, 3)",
                "conv_block(4, 4)",
            ),
            "49152",
            "4 * 128 * 128",
        ),
        words=("channel",),
        lose=(1, 2),
    ),
    mistake(
        Q,
        "convnet_four_blocks",
        delete_line(LECTURE, "conv_block(3, 3)"),
        words=("conv|block|layer",),
        lose=(1, 2),
    ),
    mistake(
        Q,
        "convnet_pooling_added",
        replace(insert_line(LECTURE, "nn.Flatten()", "nn.MaxPool2d(2),", after=False), "49152", "12288"),
        words=("pool",),
        lose=(1, 2),
    ),
    half_done(
        Q,
        "convnet_stub_left",
        LECTURE[: LECTURE.index("class ConvNet")] + CONVNET_STUB,
        note="FCNN done, ConvNet still the stub",
    ),
)
