"""``conv2d_param_count`` and ``linear_param_count``: the parameter count of the real layer."""

from students.variant import half_done, mistake, right

Q = "param_counts"

# Appended to a variant whose mistake is in conv2d_param_count only (same indentation as the variants).
_LINEAR = """

        def linear_param_count(in_features, out_features, bias=True):
            return in_features * out_features + (out_features if bias else 0)
"""

VARIANTS = (
    right(
        Q,
        "formula",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            kh, kw = kernel_size
            return out_channels * in_channels * kh * kw + (out_channels if bias else 0)


        def linear_param_count(in_features, out_features, bias=True):
            return in_features * out_features + (out_features if bias else 0)
    """,
    ),
    right(
        Q,
        "real_layers_on_meta",
        """
        from torch import nn


        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            layer = nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias, device="meta")
            return sum(p.numel() for p in layer.parameters())


        def linear_param_count(in_features, out_features, bias=True):
            layer = nn.Linear(in_features, out_features, bias=bias, device="meta")
            return sum(p.numel() for p in layer.parameters())
    """,
        note="counts the parameters of real layers without allocating them",
    ),
    right(
        Q,
        "math_prod_and_int_bias",
        """
        import math


        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            if not isinstance(kernel_size, tuple):
                kernel_size = (kernel_size,) * 2
            return out_channels * (in_channels * math.prod(kernel_size) + int(bias))


        def linear_param_count(in_features, out_features, bias=True):
            return out_features * (in_features + int(bias))
    """,
    ),
    right(
        Q,
        "weights_then_bias",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            try:
                kh, kw = kernel_size
            except TypeError:
                kh = kw = kernel_size
            weights = in_channels * out_channels * kh * kw
            biases = out_channels if bias else 0
            return weights + biases


        def linear_param_count(in_features, out_features, bias=True):
            weights = in_features * out_features
            if bias:
                weights += out_features
            return weights
    """,
    ),
    mistake(
        Q,
        "bias_forgotten",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            return in_channels * out_channels * kernel_size[0] * kernel_size[1]


        def linear_param_count(in_features, out_features, bias=True):
            return in_features * out_features
    """,
        words=("bias",),
    ),
    mistake(
        Q,
        "bias_flag_ignored",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            return in_channels * out_channels * kernel_size[0] * kernel_size[1] + out_channels


        def linear_param_count(in_features, out_features, bias=True):
            return in_features * out_features + out_features
    """,
        words=("bias",),
        note="adds the biases even with bias=False",
    ),
    mistake(
        Q,
        "bias_per_input_channel",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            kh, kw = kernel_size
            return in_channels * out_channels * kh * kw + (in_channels if bias else 0)
    """
        + _LINEAR,
        words=("bias",),
    ),
    mistake(
        Q,
        "kernel_tuple_ignored",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            return in_channels * out_channels * kernel_size ** 2 + (out_channels if bias else 0)
    """
        + _LINEAR,
        words=("tuple|kernel_size|typeerror",),
        note="kernel_size=(3, 5) raises TypeError",
    ),
    mistake(
        Q,
        "in_channels_forgotten",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            kh, kw = kernel_size
            return out_channels * kh * kw + (out_channels if bias else 0)
    """
        + _LINEAR,
        words=("in_channels|channel",),
    ),
    mistake(
        Q,
        "linear_bias_per_input",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            kh, kw = kernel_size
            return out_channels * in_channels * kh * kw + (out_channels if bias else 0)


        def linear_param_count(in_features, out_features, bias=True):
            return in_features * out_features + (in_features if bias else 0)
    """,
        words=("bias",),
    ),
    half_done(
        Q,
        "linear_stub_left",
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            kh, kw = kernel_size
            return out_channels * in_channels * kh * kw + (out_channels if bias else 0)


        def linear_param_count(in_features, out_features, bias=True):
            # YOUR CODE HERE
            raise NotImplementedError()
    """,
        note="conv2d_param_count done, linear_param_count still the stub",
    ),
)
