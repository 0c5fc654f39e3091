"""The lab6 model questions: every spelling of the same model gets full marks; each typical mistake
costs its own question only, exactly the tests it breaks, with a message that names the mistake."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from graded import Grade

RIGHT = {
    "CNN with attributes, F.relu, F.max_pool2d and view(size(0), -1)": """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
        self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
        self.fc = nn.Linear(1250, 1)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.view(x.size(0), -1))
""",
    "CNN with torch.relu, x.relu(), torch.flatten and MaxPool2d(kernel_size=2, stride=2)": """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, kernel_size=(3, 3), stride=1, padding=(1, 1))
        self.conv2 = nn.Conv2d(3, 2, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.fc = nn.Linear(1250, 1)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(self.conv2(x).relu())
        return self.fc(torch.flatten(x, 1))
""",
    "CNN with 'same' padding, a ModuleList and reshape(len(x), -1)": """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([
            nn.Conv2d(1, 3, 3, padding='same'), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(3, 2, 3, padding='same'), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        ])
        self.fc = nn.Linear(1250, 1)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.fc(x.reshape(len(x), -1))
""",
    "CNN subclassing nn.Sequential": """
class CNN(nn.Sequential):
    def __init__(self):
        super().__init__(
            nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 2)),
            nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 2)),
            nn.Flatten(), nn.Linear(1250, 1),
        )
""",
    "CNN with its own weights, F.conv2d, F.linear and view(-1, 1250)": """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1, self.b1 = nn.Parameter(torch.randn(3, 1, 3, 3) / 3), nn.Parameter(torch.zeros(3))
        self.w2, self.b2 = nn.Parameter(torch.randn(2, 3, 3, 3) / 5), nn.Parameter(torch.zeros(2))
        self.w3, self.b3 = nn.Parameter(torch.randn(1, 1250) / 35), nn.Parameter(torch.zeros(1))

    def forward(self, x):
        x = torch.max_pool2d(F.relu(F.conv2d(x, self.w1, self.b1, padding=1)), 2)
        x = F.max_pool2d(torch.relu(F.conv2d(x, self.w2, self.b2, stride=1, padding=1)), (2, 2))
        return F.linear(x.view(-1, 1250), self.w3, self.b3)
""",
    "CNN with x.shape[0], an Identity and contiguous()": """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Identity())
        self.block2 = nn.Sequential(nn.Conv2d(3, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Linear(1250, 1)

    def forward(self, x):
        x = self.block2(self.block1(x)).contiguous()
        return self.head(x.reshape(x.shape[0], -1))
""",
    "CNN with the ReLU after the pooling, ceil_mode, an adaptive pooling and clamp(min=0)": """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
        self.pool1 = nn.MaxPool2d(2, ceil_mode=True)
        self.conv2 = nn.Conv2d(3, 2, 3, padding=1)
        self.pool2 = nn.AdaptiveMaxPool2d(25)
        self.fc = nn.Linear(1250, 1)

    def forward(self, x):
        x = F.relu(self.pool1(self.conv1(x)))
        x = self.pool2(self.conv2(x)).clamp(min=0)
        return self.fc(x.flatten(1))
""",
    "CNN padding with F.pad, with a layer it never uses": """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3)
        self.conv2 = nn.Conv2d(3, 2, 3)
        self.fc = nn.Linear(1250, 1)
        self.spare = nn.Linear(10, 10)  # an experiment left behind: forward never uses it

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(F.pad(x, (1, 1, 1, 1)))), 2)
        x = F.max_pool2d(F.relu(self.conv2(F.pad(x, (1, 1, 1, 1)))), 2)
        return self.fc(x.flatten(1))
""",
    "FCNN and ConvNet with loops, ModuleLists and functional ReLU": """
class FCNN(nn.Module):
    def __init__(self, input_size):
        super(FCNN, self).__init__()
        sizes = [input_size, 256, 128, 64, 32]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.fc5, self.fc6 = nn.Linear(32, 16), nn.Linear(16, 1)

    def forward(self, x):
        for layer in self.hidden:
            x = F.relu(layer(x))
        return self.fc6(self.fc5(x))


class ConvNet(nn.Module):
    def __init__(self, input_channels):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(c, 3, kernel_size=3, padding='same') for c in [input_channels, 3, 3, 3, 3]
        )
        self.fc = nn.Linear(3 * 128 * 128, 1)

    def forward(self, x):
        for conv in self.convs:
            x = conv(x).relu()
        return self.fc(torch.flatten(x, 1))
""",
    "BudgetCNN with global mean pooling, LeakyReLU and positional num_classes": """
class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.c1 = nn.Conv2d(3, 24, 3, padding=1)
        self.c2 = nn.Conv2d(24, 48, 3, padding=1, stride=2)
        self.bn = nn.BatchNorm2d(48)
        self.fc = nn.Linear(48, num_classes)

    def forward(self, x):
        x = F.leaky_relu(self.c1(x))
        x = F.leaky_relu(self.bn(self.c2(x)))
        return self.fc(x.mean(dim=(2, 3)))
""",
    "BudgetCNN with max pooling, dropout and BatchNorm1d": """
class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(4),
            nn.Conv2d(8, 16, 3, padding=1), nn.Tanh(), nn.MaxPool2d(4),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(256, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(64, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))
""",
}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("code", RIGHT.values(), ids=RIGHT.keys())
def test_right_spellings_get_full_marks(grade_lab6: Grade, code: str, seed: int) -> None:
    grade_lab6(code, seed=seed).assert_full_marks()


@dataclass(frozen=True)
class Mistake:
    question: str
    lost: float
    words: tuple[str, ...]
    code: str


def cnn(conv1: str, conv2: str, pool: str, relu: str, linear: str, tail: str = "") -> str:
    """The lecture's CNN with some of its layers replaced."""
    return f"""
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            {conv1}, {relu} {pool},
            {conv2}, nn.ReLU(), {pool},
            nn.Flatten(), {linear}, {tail}
        )

    def forward(self, x):
        return self.main(x)
"""


C1, C2, POOL, RELU, LIN = (
    "nn.Conv2d(1, 3, 3, padding=1)",
    "nn.Conv2d(3, 2, 3, padding=1)",
    "nn.MaxPool2d(2)",
    "nn.ReLU(),",
    "nn.Linear(1250, 1)",
)

MISTAKES = {
    "CNN without padding, its Linear sized to match": Mistake(
        "cnn",
        2,
        ("conv 1 (conv 1->3 kernel 3 padding 0) turns 1x100x100 into 3x98x98", "kernel_size // 2", "98x98"),
        cnn("nn.Conv2d(1, 3, 3)", "nn.Conv2d(3, 2, 3)", POOL, RELU, "nn.Linear(2 * 23 * 23, 1)"),
    ),
    "CNN without padding, Linear 1250 (it fails)": Mistake(
        "cnn",
        3,
        ("kernel_size // 2", "mat1 and mat2 shapes cannot be multiplied (1x1058 and 1250x1)"),
        cnn("nn.Conv2d(1, 3, 3)", "nn.Conv2d(3, 2, 3)", POOL, RELU, LIN),
    ),
    "CNN with AvgPool for MaxPool": Mistake(
        "cnn", 1, ("AvgPool is not MaxPool",), cnn(C1, C2, "nn.AvgPool2d(2)", RELU, LIN)
    ),
    "CNN missing a ReLU": Mistake(
        "cnn",
        1,
        ("conv 1 (conv 1->3 kernel 3 padding 1) is not followed by an activation: found max pool 2",),
        cnn(C1, C2, POOL, "", LIN),
    ),
    "CNN with an extra ReLU at the end": Mistake(
        "cnn", 1, ("found relu after the final Linear",), cnn(C1, C2, POOL, RELU, LIN, "nn.ReLU()")
    ),
    "CNN with a sigmoid for a ReLU": Mistake(
        "cnn", 1, ("conv 1 is followed by sigmoid",), cnn(C1, C2, POOL, "nn.Sigmoid(),", LIN)
    ),
    "CNN with 4 channels in conv 2, Linear sized to match": Mistake(
        "cnn",
        1,
        ("found conv 3->4", "out_channels is the number of filters"),
        cnn(C1, "nn.Conv2d(3, 4, 3, padding=1)", POOL, RELU, "nn.Linear(2500, 1)"),
    ),
    "CNN with a Linear of the wrong in_features": Mistake(
        "cnn",
        2,
        ("expected linear 1250->1, found linear 1000->1", "channels x height x width",
         "coming in here is 1250"),
        cnn(C1, C2, POOL, RELU, "nn.Linear(1000, 1)"),
    ),
    "CNN without any ReLU": Mistake(
        "cnn",
        1,
        ("conv 1 (conv 1->3 kernel 3 padding 1) is not followed by an activation",),
        cnn(C1, "nn.Conv2d(3, 2, 3, padding=1)", POOL, "", LIN).replace("nn.ReLU(), ", ""),
    ),
    "CNN without pooling (the lecture's first CNN)": Mistake(
        "cnn",
        2,
        ("expected max pool 2, found none", "are 100x100; in the lecture's CNN they are 50x50"),
        cnn(C1, C2, "nn.Identity()", RELU, "nn.Linear(20000, 1)"),
    ),
    "CNN with a batch norm added": Mistake(
        "cnn",
        2,
        ("batch norm 3 is not a layer of the lecture's CNN", "batch norm 3 holds 6 parameters"),
        cnn("nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3)", C2, POOL, RELU, LIN),
    ),
    "CNN whose only parameter is a flat vector of 1,337 zeros": Mistake(
        "cnn",
        7,
        ("no convolutions holding parameters", "CNN has neither pooling nor activations"),
        """
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.zeros(1337))

    def forward(self, x):
        return x.mean(dim=(1, 2, 3)).unsqueeze(1) + self.weights.sum()
""",
    ),
    "CNN with frozen weights": Mistake(
        "cnn",
        1,
        ("frozen",),
        cnn(C1, C2, POOL, RELU, LIN) + "\n_CNN = CNN\ndef CNN():\n    return _CNN().requires_grad_(False)\n",
    ),
    "FCNN with ReLU after the last two layers": Mistake(
        "fcnn_vs_convnet",
        1,
        ("is this relu extra?",),
        """
class FCNN(nn.Module):
    def __init__(self, input_size):
        super().__init__()
        self.main = nn.Sequential(
            linear_block(input_size, 256), linear_block(256, 128), linear_block(128, 64),
            linear_block(64, 32), linear_block(32, 16), linear_block(16, 1),
        )

    def forward(self, x):
        return self.main(x)
""",
    ),
    "FCNN ignoring input_size": Mistake(
        "fcnn_vs_convnet",
        1,
        ("FCNN(", "Linear with input_size in_features"),
        """
_FCNN = FCNN
class FCNN(_FCNN):
    def __init__(self, input_size):
        super().__init__(128 * 128)
""",
    ),
    "ConvNet without padding": Mistake(
        "fcnn_vs_convnet",
        2,
        ("padding = kernel_size // 2",),
        """
class ConvNet(nn.Module):
    def __init__(self, input_channels):
        super().__init__()
        blocks = [nn.Sequential(nn.Conv2d(c, 3, 3), nn.ReLU()) for c in [input_channels, 3, 3, 3, 3]]
        self.main = nn.Sequential(*blocks, nn.Flatten(), nn.Linear(49152, 1))

    def forward(self, x):
        return self.main(x)
""",
    ),
    "ConvNet ignoring input_channels": Mistake(
        "fcnn_vs_convnet",
        1,
        ("conv with input_channels in_channels",),
        """
_ConvNet = ConvNet
class ConvNet(_ConvNet):
    def __init__(self, input_channels):
        super().__init__(1)
""",
    ),
    "BudgetCNN over the budget": Mistake(
        "budget_cnn",
        1,
        ("over the budget of 50,000", "the biggest layer is linear 16384->10"),
        """
class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 32 * 32, num_classes),
        )

    def forward(self, x):
        return self.main(x)
""",
    ),
    "BudgetCNN ignoring num_classes": Mistake(
        "budget_cnn",
        1,
        ("Is num_classes ignored?",),
        """
_BudgetCNN = BudgetCNN
class BudgetCNN(_BudgetCNN):
    def __init__(self, num_classes=10):
        super().__init__()
""",
    ),
    "BudgetCNN with one convolution": Mistake(
        "budget_cnn",
        1,
        ("uses 1 convolution(s); at least two",),
        """
class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.fc = nn.Linear(8, num_classes)

    def forward(self, x):
        return self.fc(F.adaptive_max_pool2d(F.relu(self.conv(x)), 1).flatten(1))
""",
    ),
    "BudgetCNN without pooling": Mistake(
        "budget_cnn",
        1,
        ("has no pooling operation",),
        """
class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(3, 8, 4, stride=4), nn.ReLU(), nn.Conv2d(8, 8, 4, stride=4), nn.ReLU(),
            nn.Flatten(), nn.Linear(128, num_classes),
        )

    def forward(self, x):
        return self.main(x)
""",
    ),
    "BudgetCNN without a nonlinearity": Mistake(
        "budget_cnn",
        1,
        ("has no nonlinearity such as ReLU",),
        """
class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(4), nn.Conv2d(8, 8, 3, padding=1), nn.MaxPool2d(4),
            nn.Flatten(), nn.Linear(128, num_classes),
        )

    def forward(self, x):
        return self.main(x)
""",
    ),
    "BudgetCNN with a layer it never uses": Mistake(
        "budget_cnn",
        1,
        ("no gradient reached spare.weight, spare.bias",),
        """
_BudgetCNN = BudgetCNN
class BudgetCNN(_BudgetCNN):
    def __init__(self, num_classes=10):
        super().__init__(num_classes)
        self.spare = nn.Linear(4, 4)
""",
    ),
    "BudgetCNN with a big layer it never uses (within budget all the same)": Mistake(
        "budget_cnn",
        1,
        ("no gradient reached spare.weight, spare.bias",),
        """
_BudgetCNN = BudgetCNN
class BudgetCNN(_BudgetCNN):
    def __init__(self, num_classes=10):
        super().__init__(num_classes)
        self.spare = nn.Linear(16384, 10)
""",
    ),
    "BudgetCNN returning detached scores": Mistake(
        "budget_cnn",
        1,
        ("carry no gradient",),
        """
_BudgetCNN = BudgetCNN
class BudgetCNN(_BudgetCNN):
    def forward(self, x):
        return super().forward(x).detach()
""",
    ),
}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_costs_its_own_question_only(grade_lab6: Grade, mistake: Mistake, seed: int) -> None:
    grade_lab6(mistake.code, seed=seed).assert_only(mistake.question, mistake.lost, *mistake.words)


ONE_SLIP_AT_MOST = 2  # points a single slip in a model question may cost (the fair-grading rule)


def test_a_one_slip_mistake_costs_at_most_two_points() -> None:
    several = {
        "CNN without padding, Linear 1250 (it fails)",  # and so the model does not run
        "CNN whose only parameter is a flat vector of 1,337 zeros",  # no network at all
    }
    for name, mistake in MISTAKES.items():
        if name not in several:
            assert 0 < mistake.lost <= ONE_SLIP_AT_MOST, name


def test_hidden_configurations_are_not_revealed(grade_lab6: Grade) -> None:
    graded = grade_lab6(MISTAKES["FCNN ignoring input_size"].code)
    message = next(t.message for t in graded.question("fcnn_vs_convnet").tests if t.message)
    assert "linear 16384->256" in message  # what the student's model has
    assert "->256" not in message.replace("16384->256", "")  # never the expected layer
