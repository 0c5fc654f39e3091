"""``BudgetCNN(num_classes=10)``: the student's own classifier for 3x64x64 within 50,000 parameters."""

from students.variant import mistake, right

Q = "budget_cnn"

VARIANTS = (
    right(
        Q,
        "adaptive_avg_head",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.features = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                    nn.AdaptiveAvgPool2d(1),
                )
                self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64, num_classes))

            def forward(self, x):
                return self.classifier(self.features(x))
    """,
    ),
    right(
        Q,
        "batchnorm_dropout",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.net = nn.Sequential(
                    nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(),
                    nn.Dropout(0.25),
                    nn.Linear(16 * 8 * 8, num_classes),
                )

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


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.conv1 = nn.Conv2d(3, 8, 5, padding=2)
                self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
                self.fc1 = nn.Linear(16 * 8 * 8, 32)
                self.fc2 = nn.Linear(32, num_classes)

            def forward(self, x):
                x = F.max_pool2d(F.relu(self.conv1(x)), 4)
                x = F.max_pool2d(F.relu(self.conv2(x)), 2)
                x = torch.flatten(x, 1)
                return self.fc2(F.relu(self.fc1(x)))
    """,
    ),
    right(
        Q,
        "module_list_leaky",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                channels = [3, 12, 24, 24]
                self.blocks = nn.ModuleList(
                    nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.LeakyReLU(0.1), nn.MaxPool2d(2))
                    for c_in, c_out in zip(channels[:-1], channels[1:])
                )
                self.pool = nn.AdaptiveMaxPool2d((2, 2))
                self.head = nn.Linear(24 * 2 * 2, num_classes)

            def forward(self, x):
                for block in self.blocks:
                    x = block(x)
                return self.head(self.pool(x).view(x.size(0), -1))
    """,
    ),
    right(
        Q,
        "avgpool_tanh_strided",
        """
        from torch import nn


        class BudgetCNN(nn.Sequential):
            def __init__(self, num_classes=10):
                super().__init__(
                    nn.Conv2d(3, 16, kernel_size=(3, 3), stride=2, padding=1),
                    nn.Tanh(),
                    nn.Conv2d(16, 16, kernel_size=(3, 3), stride=2, padding=1),
                    nn.Tanh(),
                    nn.AvgPool2d(4),
                    nn.Flatten(),
                    nn.Linear(16 * 4 * 4, num_classes),
                )
    """,
    ),
    right(
        Q,
        "functional_dropout_default_training",
        """
        import torch.nn.functional as F
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
                self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
                self.fc = nn.Linear(32 * 8 * 8, num_classes)

            def forward(self, x):
                x = F.max_pool2d(F.relu(self.conv1(x)), 2)
                x = F.max_pool2d(F.relu(self.conv2(x)), 4)
                return self.fc(F.dropout(x.flatten(1), 0.3))
    """,
        note="F.dropout's training defaults to True; the grader reads it as a Dropout layer, off in eval",
    ),
    right(
        Q,
        "just_under_budget",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.body = nn.Sequential(
                    nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(32, 48, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(48, 74, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d(2),
                )
                self.head = nn.Linear(74 * 2 * 2, num_classes)

            def forward(self, x):
                return self.head(self.body(x).flatten(1))
    """,
        note="49,780 parameters with 10 classes",
    ),
    mistake(
        Q,
        "over_budget",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.net = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(),
                    nn.Linear(32 * 16 * 16, num_classes),
                )

            def forward(self, x):
                return self.net(x)
    """,
        words=("50,000|50000|budget",),
        note="87,018 parameters",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "ignores_num_classes",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.net = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                    nn.Flatten(),
                    nn.Linear(32, 10),
                )

            def forward(self, x):
                return self.net(x)
    """,
        words=("num_classes",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "no_pooling",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.net = nn.Sequential(
                    nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
                    nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
                    nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.ReLU(),
                    nn.Flatten(),
                    nn.Linear(16 * 8 * 8, num_classes),
                )

            def forward(self, x):
                return self.net(x)
    """,
        words=("pool",),
        note="strided convolutions only",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "one_conv",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.conv = nn.Conv2d(3, 16, 3, padding=1)
                self.pool = nn.AdaptiveAvgPool2d(4)
                self.fc = nn.Linear(16 * 4 * 4, num_classes)

            def forward(self, x):
                x = self.pool(self.conv(x).relu())
                return self.fc(x.flatten(1))
    """,
        words=("conv|two",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "no_nonlinearity",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.net = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding=1), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.AdaptiveAvgPool2d(1),
                    nn.Flatten(),
                    nn.Linear(32, num_classes),
                )

            def forward(self, x):
                return self.net(x)
    """,
        words=("nonlinear|activation|relu",),
        lose=(1, 1),
    ),
    mistake(
        Q,
        "squeezes_batch",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.features = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                )
                self.fc = nn.Linear(32, num_classes)

            def forward(self, x):
                return self.fc(self.features(x).squeeze())
    """,
        words=("batch|shape",),
        note="a batch of one comes out as (num_classes,)",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "unused_layer",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.features = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                    nn.Flatten(),
                )
                self.hidden = nn.Linear(32, 32)  # meant to be used, never called
                self.fc = nn.Linear(32, num_classes)

            def forward(self, x):
                return self.fc(self.features(x))
    """,
        words=("gradient|grad|unused",),
        note="self.hidden gets no gradient",
        lose=(1, 1),
    ),
    mistake(
        Q,
        "unused_big_layer",
        """
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.features = nn.Sequential(
                    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                    nn.Flatten(),
                )
                self.fc = nn.Linear(32, num_classes)
                self.first_try = nn.Linear(32 * 32 * 32, num_classes)  # 327,690 parameters, never used

            def forward(self, x):
                return self.fc(self.features(x))
    """,
        words=("first_try",),
        note="over the budget only if an unused layer counted: it costs the gradient rule, not the budget",
        lose=(1, 1),
    ),
    right(
        Q,
        "pool_before_relu",
        """
        import torch.nn.functional as F
        from torch import nn


        class BudgetCNN(nn.Module):
            def __init__(self, num_classes=10):
                super().__init__()
                self.c1 = nn.Conv2d(3, 16, 3, padding=1)
                self.c2 = nn.Conv2d(16, 32, 3, padding=1)
                self.fc = nn.Linear(32 * 8 * 8, num_classes)

            def forward(self, x):
                x = F.relu(F.max_pool2d(self.c1(x), 4))
                x = F.relu(F.max_pool2d(self.c2(x), 2))
                return self.fc(x.flatten(1))
    """,
    ),
)
