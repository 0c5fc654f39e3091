"""``conv2d_single(image, kernel, stride=1, padding=0) -> torch.Tensor``: cross-correlation."""

from students.variant import breaks_rule, mistake, right

Q = "conv2d_single"
# The notebook's rule, as the hidden tests quote it.
RULE = "Do not call F.conv2d, torch.conv2d or nn.Conv2d, however you import them"

VARIANTS = (
    right(
        Q,
        "loops_f_pad",
        """
        import torch
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            image = F.pad(image, (padding, padding, padding, padding))
            kh, kw = kernel.shape
            out_h = (image.shape[0] - kh) // stride + 1
            out_w = (image.shape[1] - kw) // stride + 1
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    patch = image[i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[i, j] = (patch * kernel).sum()
            return out
    """,
    ),
    right(
        Q,
        "loops_manual_zero_pad",
        """
        import torch


        def conv2d_single(image, kernel, stride=1, padding=0):
            h, w = image.shape
            padded = torch.zeros(h + 2 * padding, w + 2 * padding, dtype=image.dtype)
            padded[padding:padding + h, padding:padding + w] = image
            kh, kw = kernel.shape
            rows = []
            for top in range(0, padded.shape[0] - kh + 1, stride):
                row = []
                for left in range(0, padded.shape[1] - kw + 1, stride):
                    row.append(torch.sum(padded[top:top + kh, left:left + kw] * kernel))
                rows.append(torch.stack(row))
            return torch.stack(rows)
    """,
    ),
    right(
        Q,
        "f_unfold_matmul",
        """
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            kh, kw = kernel.shape
            cols = F.unfold(image[None, None], (kh, kw), padding=padding, stride=stride)
            out_h = (image.shape[0] + 2 * padding - kh) // stride + 1
            out_w = (image.shape[1] + 2 * padding - kw) // stride + 1
            return (kernel.reshape(-1) @ cols[0]).reshape(out_h, out_w)
    """,
    ),
    right(
        Q,
        "tensor_unfold_einsum",
        """
        import torch
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            padded = F.pad(image, [padding] * 4)
            windows = padded.unfold(0, kernel.shape[0], stride).unfold(1, kernel.shape[1], stride)
            return torch.einsum("ijkl,kl->ij", windows, kernel)
    """,
    ),

    right(
        Q,
        "numpy_loops",
        """
        import numpy as np
        import torch


        def conv2d_single(image, kernel, stride=1, padding=0):
            img = np.pad(image.numpy(), padding)
            k = kernel.numpy()
            kh, kw = k.shape
            out_h = (img.shape[0] - kh) // stride + 1
            out_w = (img.shape[1] - kw) // stride + 1
            out = np.zeros((out_h, out_w), dtype=img.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = np.sum(img[i * stride:i * stride + kh, j * stride:j * stride + kw] * k)
            return torch.from_numpy(out)
    """,
    ),
    right(
        Q,
        "comprehension",
        """
        import torch
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            x = F.pad(image, (padding,) * 4)
            kh, kw = kernel.shape
            return torch.stack([
                torch.stack([(x[r:r + kh, c:c + kw] * kernel).sum()
                             for c in range(0, x.shape[1] - kw + 1, stride)])
                for r in range(0, x.shape[0] - kh + 1, stride)
            ])
    """,
    ),
    breaks_rule(
        Q,
        "calls_f_conv2d",
        """
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            out = F.conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)
            return out[0, 0]
    """,
        words=(RULE, "torch.nn.functional.conv2d"),
        note="PyTorch's own convolution: right values, but not by hand",
    ),
    breaks_rule(
        Q,
        "nn_conv2d_with_weights",
        """
        import torch
        from torch import nn


        def conv2d_single(image, kernel, stride=1, padding=0):
            conv = nn.Conv2d(1, 1, tuple(kernel.shape), stride=stride, padding=padding, bias=False)
            conv = conv.to(image.dtype)
            with torch.no_grad():
                conv.weight.copy_(kernel[None, None])
                return conv(image[None, None])[0, 0]
    """,
        words=(RULE, "torch.nn.Conv2d"),
    ),
    breaks_rule(
        Q,
        "torch_conv2d",
        """
        import torch


        def conv2d_single(image, kernel, stride=1, padding=0):
            return torch.conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
    """,
        words=(RULE, "torch.conv2d"),
    ),
    breaks_rule(
        Q,
        "aliased_import",
        """
        from torch.nn.functional import conv2d as correlate


        def conv2d_single(image, kernel, stride=1, padding=0):
            return correlate(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
    """,
        words=(RULE, "torch.nn.functional.conv2d"),
        note="torch's convolution under another name",
    ),
    breaks_rule(
        Q,
        "through_a_helper",
        """
        import torch
        import torch.nn.functional as F


        def _as_batch(x):
            return x[None, None]


        def _convolve(image, kernel, stride, padding):
            op = F.conv2d
            return op(_as_batch(image), _as_batch(kernel), stride=stride, padding=padding)[0, 0]


        def conv2d_single(image, kernel, stride=1, padding=0):
            return _convolve(image, kernel, stride, padding)
    """,
        words=(RULE,),
        note="the library call hidden in a helper, through a local alias",
    ),
    mistake(
        Q,
        "flipped_kernel",
        """
        import torch
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            kernel = torch.flip(kernel, dims=(0, 1))  # "a real convolution flips the kernel"
            image = F.pad(image, (padding, padding, padding, padding))
            kh, kw = kernel.shape
            out_h = (image.shape[0] - kh) // stride + 1
            out_w = (image.shape[1] - kw) // stride + 1
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = (image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel).sum()
            return out
    """,
        words=("flip|cross-correlation",),
        note="true convolution instead of nn.Conv2d's cross-correlation",
    ),
    mistake(
        Q,
        "ignores_stride",
        """
        import torch
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            image = F.pad(image, (padding, padding, padding, padding))
            kh, kw = kernel.shape
            out_h = image.shape[0] - kh + 1
            out_w = image.shape[1] - kw + 1
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = (image[i:i + kh, j:j + kw] * kernel).sum()
            return out
    """,
        words=("stride",),
    ),
    mistake(
        Q,
        "ignores_padding",
        """
        import torch


        def conv2d_single(image, kernel, stride=1, padding=0):
            kh, kw = kernel.shape
            out_h = (image.shape[0] - kh) // stride + 1
            out_w = (image.shape[1] - kw) // stride + 1
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = (image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel).sum()
            return out
    """,
        words=("padding",),
    ),
    mistake(
        Q,
        "pads_one_side",
        """
        import torch
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            image = F.pad(image, (padding, 0, padding, 0))  # only left and top
            kh, kw = kernel.shape
            out_h = (image.shape[0] - kh) // stride + 1
            out_w = (image.shape[1] - kw) // stride + 1
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = (image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel).sum()
            return out
    """,
        words=("padding",),
    ),
    mistake(
        Q,
        "square_kernel_assumed",
        """
        import torch
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            image = F.pad(image, (padding, padding, padding, padding))
            k = kernel.shape[0]
            out_h = (image.shape[0] - k) // stride + 1
            out_w = (image.shape[1] - k) // stride + 1
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = (image[i * stride:i * stride + k, j * stride:j * stride + k] * kernel).sum()
            return out
    """,
        words=("square|size|shape",),
        note="uses kernel.shape[0] for both sides",
    ),
    mistake(
        Q,
        "last_window_missed",
        """
        import torch
        import torch.nn.functional as F


        def conv2d_single(image, kernel, stride=1, padding=0):
            image = F.pad(image, (padding, padding, padding, padding))
            kh, kw = kernel.shape
            out_h = (image.shape[0] - kh) // stride
            out_w = (image.shape[1] - kw) // stride
            out = torch.zeros(out_h, out_w, dtype=image.dtype)
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = (image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel).sum()
            return out
    """,
        words=("shape|size",),
        note="output size without the +1",
    ),
)
