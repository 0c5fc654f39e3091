"""Student code for the hidden-suite tests: the reference solution of lab6 and quiz6, as source text.

Tests exec the reference, then a variant on top of it (a right respelling or a typical
mistake), and grade the namespace with ``LocalSubmission``.
"""

LAB6 = """
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_output_size(input_size, kernel_size, stride=1, padding=0):
    return (input_size + 2 * padding - kernel_size) // stride + 1


def conv2d_single(image, kernel, stride=1, padding=0):
    image = F.pad(image, (padding, padding, padding, padding))
    kh, kw = kernel.shape
    rows = (image.shape[0] - kh) // stride + 1
    cols = (image.shape[1] - kw) // stride + 1
    out = torch.zeros(rows, cols)
    for i in range(rows):
        for j in range(cols):
            window = image[i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[i, j] = (window * kernel).sum()
    return out


def max_pool2d_single(image, kernel_size):
    rows, cols = image.shape[0] // kernel_size, image.shape[1] // kernel_size
    out = torch.zeros(rows, cols)
    for i in range(rows):
        for j in range(cols):
            k = kernel_size
            out[i, j] = image[i * k:(i + 1) * k, j * k:(j + 1) * k].max()
    return out


def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return in_channels * out_channels * kh * kw + (out_channels if bias else 0)


def linear_param_count(in_features, out_features, bias=True):
    return in_features * out_features + (out_features if bias else 0)


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
        return self.main(x)


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


linear_in_features = 16 * 15 * 15


class BudgetCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(32, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))
"""

QUIZ6 = """
q1 = "C"
q2 = {"C"}
q3 = 84
q4 = (1, 1, 96, 96)
q5 = 25
q6 = (26, 26)
q7 = (8, 3, 5, 5)
q8 = [[7, 9], [8, 4]]
q9 = 20001
q10 = "B"
"""
