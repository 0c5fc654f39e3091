"""``max_pool2d_single(image, kernel_size) -> torch.Tensor``: stride = window, incomplete windows dropped."""

from students.variant import breaks_rule, mistake, right

Q = "max_pool2d_single"
# The notebook's rule, as the hidden tests quote it.
RULE = "Do not call F.max_pool2d, torch.max_pool2d, nn.MaxPool2d or any other pooling of torch"

VARIANTS = (
    right(
        Q,
        "loops",
        """
        import torch


        def max_pool2d_single(image, kernel_size):
            out_h = image.shape[0] // kernel_size
            out_w = image.shape[1] // kernel_size
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    rows = slice(i * kernel_size, (i + 1) * kernel_size)
                    cols = slice(j * kernel_size, (j + 1) * kernel_size)
                    out[i, j] = image[rows, cols].max()
            return out
    """,
    ),
    right(
        Q,
        "reshape_amax",
        """
        def max_pool2d_single(image, kernel_size):
            k = kernel_size
            h, w = image.shape[0] // k, image.shape[1] // k
            blocks = image[:h * k, :w * k].reshape(h, k, w, k)
            return blocks.amax(dim=(1, 3))
    """,
    ),

    right(
        Q,
        "tensor_unfold",
        """
        def max_pool2d_single(image, kernel_size):
            windows = image.unfold(0, kernel_size, kernel_size).unfold(1, kernel_size, kernel_size)
            return windows.amax(dim=(-2, -1))
    """,
    ),

    right(
        Q,
        "comprehension_of_items",
        """
        import torch


        def max_pool2d_single(image, kernel_size):
            k = kernel_size
            rows, cols = image.shape
            return torch.tensor(
                [[image[i:i + k, j:j + k].max().item() for j in range(0, cols - k + 1, k)]
                 for i in range(0, rows - k + 1, k)],
                dtype=image.dtype,
            )
    """,
    ),
    breaks_rule(
        Q,
        "calls_f_max_pool2d",
        """
        import torch.nn.functional as F


        def max_pool2d_single(image, kernel_size):
            return F.max_pool2d(image[None, None], kernel_size)[0, 0]
    """,
        words=(RULE, "torch.nn.functional.max_pool2d"),
        note="PyTorch's own pooling: right values, but not by hand",
    ),
    breaks_rule(
        Q,
        "nn_maxpool_unbatched",
        """
        from torch import nn


        def max_pool2d_single(image, kernel_size):
            pool = nn.MaxPool2d(kernel_size=kernel_size, stride=kernel_size)
            return pool(image.unsqueeze(0)).squeeze(0)
    """,
        words=(RULE, "torch.nn.MaxPool2d"),
    ),
    breaks_rule(
        Q,
        "torch_max_pool2d",
        """
        import torch


        def max_pool2d_single(image, kernel_size):
            return torch.max_pool2d(image[None, None], kernel_size)[0, 0]
    """,
        words=(RULE, "torch.max_pool2d"),
    ),
    breaks_rule(
        Q,
        "adaptive_pooling",
        """
        import torch.nn.functional as F


        def max_pool2d_single(image, kernel_size):
            rows, cols = image.shape[0] // kernel_size, image.shape[1] // kernel_size
            kept = image[:rows * kernel_size, :cols * kernel_size]
            return F.adaptive_max_pool2d(kept[None], (rows, cols))[0]
    """,
        words=(RULE, "adaptive_max_pool2d"),
        note="another of torch's poolings",
    ),
    mistake(
        Q,
        "stride_one",
        """
        import torch


        def max_pool2d_single(image, kernel_size):
            k = kernel_size
            out_h = image.shape[0] - k + 1
            out_w = image.shape[1] - k + 1
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = image[i:i + k, j:j + k].max()
            return out
    """,
        words=("stride|shape",),
        note="overlapping windows",
    ),
    mistake(
        Q,
        "average_pool",
        """
        def max_pool2d_single(image, kernel_size):
            k = kernel_size
            h, w = image.shape[0] // k, image.shape[1] // k
            return image[:h * k, :w * k].reshape(h, k, w, k).mean(dim=(1, 3))
    """,
        words=("max|average|mean",),
    ),
    mistake(
        Q,
        "keeps_incomplete_windows",
        """
        import torch


        def max_pool2d_single(image, kernel_size):
            k = kernel_size
            rows, cols = -(-image.shape[0] // k), -(-image.shape[1] // k)  # rounded up
            padded = torch.full((rows * k, cols * k), float("-inf"), dtype=image.dtype)
            padded[:image.shape[0], :image.shape[1]] = image
            return padded.reshape(rows, k, cols, k).amax(dim=(1, 3))
    """,
        words=("incomplete|shape|window",),
    ),
    mistake(
        Q,
        "min_pool",
        """
        def max_pool2d_single(image, kernel_size):
            k = kernel_size
            h, w = image.shape[0] // k, image.shape[1] // k
            return image[:h * k, :w * k].reshape(h, k, w, k).amin(dim=(1, 3))
    """,
        words=("max|min",),
    ),
)
