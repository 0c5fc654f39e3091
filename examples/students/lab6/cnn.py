"""``class CNN(nn.Module)``: the lecture's pooled CNN, 1,337 parameters."""

from students.edit import insert_line, replace
from students.variant import mistake, right

Q = "cnn"

# The lecture's own spelling; most mistakes below are one slip away from it.
LECTURE = """
    import torch
    from torch import nn


    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.Conv2d(in_channels=1, out_channels=3, kernel_size=(3, 3), padding=1),
                nn.ReLU(),
                nn.MaxPool2d((2, 2)),
                nn.Conv2d(in_channels=3, out_channels=2, kernel_size=(3, 3), padding=1),
                nn.ReLU(),
                nn.MaxPool2d((2, 2)),
                nn.Flatten(),
                nn.Linear(1250, 1),
            )

        def forward(self, x):
            out = self.main(x)
            return out
"""


VARIANTS = (
    right(Q, "lecture_sequential", LECTURE),
    right(
        Q,
        "attributes_functional",
        """
        import torch
        import torch.nn.functional as F
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
                self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
                self.fc = nn.Linear(2 * 25 * 25, 1)

            def forward(self, x):
                x = F.max_pool2d(F.relu(self.conv1(x)), 2)
                x = F.max_pool2d(F.relu(self.conv2(x)), 2)
                x = torch.flatten(x, 1)
                return self.fc(x)
    """,
    ),
    right(
        Q,
        "module_list_loop",
        """
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.layers = nn.ModuleList([
                    nn.Conv2d(1, 3, kernel_size=3, stride=1, padding=1),
                    nn.ReLU(),
                    nn.MaxPool2d(2),
                    nn.Conv2d(3, 2, kernel_size=3, stride=1, padding=1),
                    nn.ReLU(),
                    nn.MaxPool2d(2),
                    nn.Flatten(),
                    nn.Linear(1250, 1),
                ])

            def forward(self, x):
                for layer in self.layers:
                    x = layer(x)
                return x
    """,
    ),
    right(
        Q,
        "subclass_sequential",
        """
        from torch import nn


        class CNN(nn.Sequential):
            def __init__(self):
                super().__init__(
                    nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(1250, 1),
                )
    """,
    ),
    right(
        Q,
        "same_padding_view",
        """
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 3, kernel_size=3, padding="same")
                self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
                self.conv2 = nn.Conv2d(3, 2, kernel_size=3, padding="same")
                self.out = nn.Linear(1250, 1)

            def forward(self, x):
                x = self.pool(self.conv1(x).relu())
                x = self.pool(self.conv2(x).relu())
                x = x.view(x.size(0), -1)
                return self.out(x)
    """,
        note="one pooling module used twice, x.relu(), view",
    ),
    right(
        Q,
        "tuples_reshape",
        """
        import torch
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 3, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
                self.pool1 = nn.MaxPool2d((2, 2))
                self.conv2 = nn.Conv2d(3, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
                self.pool2 = nn.MaxPool2d((2, 2))
                self.linear = nn.Linear(1250, 1)

            def forward(self, x):
                x = self.pool1(torch.relu(self.conv1(x)))
                x = self.pool2(torch.relu(self.conv2(x)))
                return self.linear(x.reshape(len(x), -1))
    """,
    ),
    right(
        Q,
        "features_classifier",
        """
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(
                    nn.Conv2d(1, 3, 3, 1, 1),
                    nn.ReLU(inplace=True),
                    nn.MaxPool2d(2, 2),
                    nn.Conv2d(3, 2, 3, 1, 1),
                    nn.ReLU(inplace=True),
                    nn.MaxPool2d(2, 2),
                )
                self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(1250, 1))

            def forward(self, x):
                return self.classifier(self.features(x))
    """,
        note="positional stride and padding, in-place ReLU",
    ),
    right(
        Q,
        "ordered_dict",
        """
        from collections import OrderedDict

        import torch


        class CNN(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.net = torch.nn.Sequential(OrderedDict([
                    ("conv1", torch.nn.Conv2d(1, 3, 3, padding=1)),
                    ("relu1", torch.nn.ReLU()),
                    ("pool1", torch.nn.MaxPool2d(2)),
                    ("conv2", torch.nn.Conv2d(3, 2, 3, padding=1)),
                    ("relu2", torch.nn.ReLU()),
                    ("pool2", torch.nn.MaxPool2d(2)),
                    ("flatten", torch.nn.Flatten()),
                    ("fc", torch.nn.Linear(1250, 1)),
                ]))

            def forward(self, x):
                return self.net(x)
    """,
    ),
    right(
        Q,
        "block_helper",
        """
        from torch import nn


        def conv_block(in_channels, out_channels):
            return nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
            )


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.block1 = conv_block(1, 3)
                self.block2 = conv_block(3, 2)
                self.head = nn.Linear(1250, 1)

            def forward(self, x):
                x = self.block2(self.block1(x))
                return self.head(x.flatten(1))
    """,
    ),
    right(
        Q,
        "shared_relu_module",
        """
        import torch.nn as nn


        class CNN(nn.Module):
            def __init__(self):
                super(CNN, self).__init__()
                self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
                self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
                self.relu = nn.ReLU()
                self.pool = nn.MaxPool2d(2)
                self.flatten = nn.Flatten()
                self.fc = nn.Linear(1250, 1)

            def forward(self, x):
                x = self.pool(self.relu(self.conv1(x)))
                x = self.pool(self.relu(self.conv2(x)))
                return self.fc(self.flatten(x))
    """,
    ),
    right(
        Q,
        "pool_before_relu",
        """
        import torch.nn.functional as F
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
                self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
                self.fc = nn.Linear(1250, 1)

            def forward(self, x):
                x = F.relu(F.max_pool2d(self.conv1(x), 2))  # max pooling and ReLU commute
                x = F.relu(F.max_pool2d(self.conv2(x), 2))
                return self.fc(x.flatten(1))
    """,
        note="conv -> max pool -> ReLU computes exactly conv -> ReLU -> max pool",
    ),
    right(
        Q,
        "ceil_mode_pool",
        replace(LECTURE, "nn.MaxPool2d((2, 2))", "nn.MaxPool2d(2, ceil_mode=True)"),
        note="ceil_mode changes nothing on 100x100 and 50x50 feature maps",
    ),
    right(
        Q,
        "adaptive_max_pool_and_clamp",
        """
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
                self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
                self.pool1 = nn.AdaptiveMaxPool2d(50)
                self.pool2 = nn.AdaptiveMaxPool2d((25, 25))
                self.fc = nn.Linear(1250, 1)

            def forward(self, x):
                x = self.pool1(self.conv1(x).clamp(min=0))
                x = self.pool2(self.conv2(x).clamp(min=0))
                return self.fc(x.view(len(x), -1))
    """,
        note="adaptive pooling to half the size is 2x2 max pooling; clamp(min=0) is a ReLU",
    ),
    right(
        Q,
        "pad_then_conv_spare_layer",
        """
        import torch.nn.functional as F
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv2 = nn.Conv2d(3, 2, 3)  # registered before conv1
                self.conv1 = nn.Conv2d(1, 3, 3)
                self.fc = nn.Linear(1250, 1)
                self.spare = nn.Linear(1250, 10)  # an experiment left behind: forward never uses it

            def forward(self, x):
                x = F.max_pool2d(F.relu(self.conv1(F.pad(x, (1, 1, 1, 1)))), 2)
                x = F.max_pool2d(F.relu(self.conv2(F.pad(x, (1, 1, 1, 1)))), 2)
                return self.fc(x.flatten(1))
    """,
        note="zero padding by F.pad; a layer that forward never reaches is not part of the network",
    ),
    right(
        Q,
        "error_after_definition",
        LECTURE
        + """

    model = CNN()
    summmary(model, (1, 100, 100))
""",
        note="the class is right; the cell then fails on a typo (NameError), as nbgrader lets it",
    ),
    mistake(
        Q,
        "missing_padding",
        replace(LECTURE, ", padding=1)", ")").replace("nn.Linear(1250, 1)", "nn.Linear(1058, 1)"),
        words=("padding",),
        note="100 -> 98 -> 49 -> 47 -> 23: Linear(1058, 1) so that it runs",
        lose=(1, 2),
    ),
    mistake(
        Q,
        "avg_pool",
        replace(LECTURE, "nn.MaxPool2d((2, 2))", "nn.AvgPool2d((2, 2))"),
        words=("max|avg|average",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "missing_relu",
        """
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.main = nn.Sequential(
                    nn.Conv2d(1, 3, 3, padding=1),
                    nn.ReLU(),
                    nn.MaxPool2d(2),
                    nn.Conv2d(3, 2, 3, padding=1),
                    nn.MaxPool2d(2),
                    nn.Flatten(),
                    nn.Linear(1250, 1),
                )

            def forward(self, x):
                return self.main(x)
    """,
        words=("relu|activation",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "extra_relu",
        insert_line(LECTURE, "nn.Linear(1250, 1)", "nn.ReLU(),"),
        words=("relu|activation",),
        note="a ReLU after the output layer",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "wrong_channels",
        replace(LECTURE, "out_channels=2", "out_channels=3").replace("(1250, 1)", "(1875, 1)"),
        words=("channel|3->2",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "linear_in_features_wrong",
        replace(LECTURE, "nn.Linear(1250, 1)", "nn.Linear(5000, 1)"),
        words=("linear|1250|shape",),
        note="forward fails: mat1 and mat2 shapes cannot be multiplied",
        lose=(1, 2),
    ),
    mistake(
        Q,
        "no_pooling",
        """
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.main = nn.Sequential(
                    nn.Conv2d(1, 3, 3, padding=1),
                    nn.ReLU(),
                    nn.Conv2d(3, 2, 3, padding=1),
                    nn.ReLU(),
                    nn.Flatten(),
                    nn.Linear(20000, 1),
                )

            def forward(self, x):
                return self.main(x)
    """,
        words=("pool",),
        note="the lecture's first CNN, 20,087 parameters",
        lose=(1, 2),
    ),
    mistake(
        Q,
        "one_pool_only",
        """
        import torch.nn.functional as F
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
                self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
                self.fc = nn.Linear(5000, 1)

            def forward(self, x):
                x = F.max_pool2d(F.relu(self.conv1(x)), 2)
                x = F.relu(self.conv2(x))
                return self.fc(x.flatten(1))
    """,
        words=("pool",),
        lose=(1, 2),
    ),
    mistake(
        Q,
        "linear_without_bias",
        replace(LECTURE, "nn.Linear(1250, 1)", "nn.Linear(1250, 1, bias=False)"),
        words=("bias|1,337|1337|parameter",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "kernel_5",
        replace(LECTURE, "kernel_size=(3, 3), padding=1", "kernel_size=(5, 5), padding=2"),
        words=("kernel",),
        note="same output shapes, more parameters",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "strided_conv_for_pool",
        """
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.main = nn.Sequential(
                    nn.Conv2d(1, 3, 3, stride=2, padding=1),
                    nn.ReLU(),
                    nn.Conv2d(3, 2, 3, stride=2, padding=1),
                    nn.ReLU(),
                    nn.Flatten(),
                    nn.Linear(1250, 1),
                )

            def forward(self, x):
                return self.main(x)
    """,
        words=("pool|stride",),
        note="same shapes and parameter count, no pooling: stride 2 in both convolutions and no pooling, "
        "two changes",
        lose=(2, 3),
    ),
    mistake(
        Q,
        "sigmoid_output",
        insert_line(LECTURE, "nn.Linear(1250, 1)", "nn.Sigmoid(),"),
        words=("sigmoid",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "no_relu_at_all",
        replace(LECTURE, "                nn.ReLU(),\n", ""),
        words=("not followed by an activation",),
        note="no activation at all: the pooling-and-activations test must not pass for their absence",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "batch_norm_added",
        insert_line(LECTURE, "nn.Conv2d(in_channels=1", "nn.BatchNorm2d(3),"),
        words=("batch norm 3 is not a layer of the lecture's CNN",),
        note="a layer the lecture's CNN does not have, with parameters of its own",
        lose=(1, 2),
    ),
    mistake(
        Q,
        "flat_parameter_vector",
        """
        import torch
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.weights = nn.Parameter(torch.zeros(1337))  # the lecture's count, in one vector

            def forward(self, x):
                return x.mean(dim=(1, 2, 3)).unsqueeze(1) + self.weights.sum()
    """,
        words=("no convolutions holding parameters",),
        note="1,337 parameters, none in a layer: the parameter test must look at where they live",
        lose=(6, 8),
    ),    mistake(
        Q,
        "pooling_only",
        """
        import torch
        from torch import nn


        class CNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.pool = nn.AdaptiveAvgPool2d(1)
                self.fc = nn.Linear(1, 1)

            def forward(self, x):
                return self.fc(torch.flatten(self.pool(x), 1))
    """,
        words=("no conv and no ReLU, so there is no (conv, ReLU, pool) block",),
        note="one pooling and a Linear: the order test must not pass for layers that are not there",
        lose=(6, 8),
    ),
)
