"""Lab 6, cell by cell: convolutions by hand, then CNNs in PyTorch (40 points).

Each question is a prompt, one answer cell (``<id>_answer``), public checks a student can run,
and a locked autograded cell (``<id>``) whose hidden part runs ``autograder/lab6/test_<id>.py``.
"""

from __future__ import annotations

from nbformat.notebooknode import NotebookNode

from cnngrader.contract import LAB6
from nbsource.cells import answer, code, graded, markdown, notebook

ASSIGNMENT = "lab6"

INTRO = markdown(
    r"""
    # Lab 6: convolutions by hand, then convolutional networks in PyTorch

    In the lecture a small convolutional network read a 100×100 picture with 1,337 weights, while
    a fully connected network for 128×128 pictures needed more than four million. In this lab you
    build every piece of that story yourself: the arithmetic of output sizes, a convolution and a
    max pooling written from scratch, parameter counting, the lecture's CNN, and finally a small
    classifier of your own design.

    **How this lab is graded (40 points).** Every question has one cell for your answer: replace
    `# YOUR CODE HERE` and `raise NotImplementedError()` with your code and keep the names and
    signatures as given. Under it, a *check your answer* cell runs public checks you can use as
    often as you like. The locked cell after that is where hidden tests grade the question when
    your notebook is collected: they try inputs you have not seen, and give partial credit test by
    test, so a slip in one part costs only that part.

    Before you submit, restart the kernel and run all cells (*Kernel → Restart & Run All*): the
    graders run your notebook from top to bottom in a fresh kernel.
    """
)

SETUP = code(
    '''
    # Run this cell first.
    import matplotlib.pyplot as plt
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.manual_seed(6)  # the same "random" weights every time you run the notebook


    def show_images(images, cmap="gray"):
        """Draw 2-D tensors side by side, each titled with its name and shape."""
        fig, axes = plt.subplots(1, len(images), figsize=(3.2 * len(images), 3.4), squeeze=False)
        for ax, (title, image) in zip(axes[0], images.items()):
            ax.imshow(image.detach(), cmap=cmap)
            ax.set_title(f"{title} {tuple(image.shape)}")
            ax.axis("off")
        plt.show()


    def n_params(module):
        """How many numbers training may change in this module."""
        return sum(p.numel() for p in module.parameters() if p.requires_grad)
    '''
)

# ---------------------------------------------------------------------------------------------
# Question 1: the size of a convolution's output
# ---------------------------------------------------------------------------------------------

OUTPUT_SIZE_PROMPT = markdown(
    r"""
    ## 1. How big is the output of a convolution? (4 points)

    A convolution slides a small grid of weights, the *kernel*, over the image and writes one
    number for each place where the kernel fits. Along one dimension, count those places:

    * **padding** $p$ adds $p$ rows (or columns) of zeros on *each* side, so the image is now
      $n + 2p$ long;
    * a kernel of size $k$ fits with its first cell at positions $0, 1, \dots, n + 2p - k$;
    * with **stride** $s$ the kernel only stops at every $s$-th of those positions, starting at 0.

    That gives

    $$n_\text{out} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1 .$$

    The floor matters: when the last step would run past the edge, that position is simply not
    used. Two examples from the lecture: a 3×3 kernel on a 5×5 image gives a 3×3 output; a 51×51
    kernel on a 100×100 image gives only 50×50, which is why we pad. With stride 1 and an odd
    kernel, padding $p = \lfloor k/2 \rfloor$ keeps the output as big as the input.

    **Your task.** Write `conv_output_size(input_size, kernel_size, stride=1, padding=0)` returning
    the output height (or width) as an `int`. It must agree with what `nn.Conv2d` really produces.
    """
)

OUTPUT_SIZE_ANSWER = answer(
    "conv_output_size",
    '''
    def conv_output_size(input_size, kernel_size, stride=1, padding=0):
        """Height (or width) of a convolution's output along one dimension."""
        ### BEGIN SOLUTION
        return (input_size + 2 * padding - kernel_size) // stride + 1
        ### END SOLUTION
    ''',
)

OUTPUT_SIZE_CHECK = code(
    """
    # Check your answer: the lecture's examples first, then nn.Conv2d as the referee.
    assert float(conv_output_size(5, 3)) == int(conv_output_size(5, 3)), "return a whole number of pixels"
    assert conv_output_size(5, 3) == 3, "a 3x3 kernel fits in 3 places along a 5-pixel row"
    assert conv_output_size(5, 3, stride=2, padding=1) == 3, "5 pixels, padding 1, stride 2: 3 places"
    assert conv_output_size(100, 51) == 50, "a 51x51 kernel on 100x100 leaves 50x50"

    for n, k, s, p in [(28, 5, 1, 2), (32, 3, 2, 1), (17, 4, 3, 0), (9, 9, 1, 0)]:
        real = nn.Conv2d(1, 1, k, stride=s, padding=p)(torch.zeros(1, 1, n, n)).shape[-1]
        mine = conv_output_size(n, k, stride=s, padding=p)
        assert mine == real, f"n={n}, k={k}, stride={s}, padding={p}: nn.Conv2d gives {real}, you give {mine}"
    print("conv_output_size passes the public checks")
    """,
    role="check",
)

# ---------------------------------------------------------------------------------------------
# Question 2: a convolution written by hand
# ---------------------------------------------------------------------------------------------

CONV_PROMPT = markdown(
    r"""
    ## 2. A convolution by hand (6 points)

    Put the kernel on top of a patch of the image, multiply the numbers that lie on top of each
    other, and add the products up: that sum is one output pixel. Then move the kernel by the
    stride and repeat. With padding $p$ and stride $s$, output pixel $(i, j)$ is

    $$\text{out}[i, j] = \sum_{u}\sum_{v} \text{padded}[\,i s + u,\; j s + v\,] \cdot \text{kernel}[u, v].$$

    Deep learning libraries call this a convolution, although mathematicians would call it a
    *cross-correlation*: the kernel is **not** flipped. `nn.Conv2d` works exactly like this, and so
    should your function.

    The lecture's example: this 5×5 image and 3×3 kernel

    | image | | | | | &nbsp; | kernel | | |
    |---|---|---|---|---|---|---|---|---|
    | 3 | 3 | 2 | 1 | 0 | | 0 | 1 | 2 |
    | 0 | 0 | 1 | 3 | 1 | | 2 | 2 | 0 |
    | 3 | 1 | 2 | 2 | 3 | | 0 | 1 | 2 |
    | 2 | 0 | 0 | 2 | 2 | | | | |
    | 2 | 0 | 0 | 0 | 1 | | | | |

    give `[[12, 12, 17], [10, 17, 19], [9, 6, 14]]` (the top-left value is
    3·0 + 3·1 + 2·2 + 0·2 + 0·2 + 1·0 + 3·0 + 1·1 + 2·2 = 12). With one ring of zeros around the
    image and a stride of 2 the same kernel gives `[[6, 17, 3], [8, 17, 13], [6, 4, 4]]`.

    **Your task.** Write `conv2d_single(image, kernel, stride=1, padding=0)` for a 2-D float tensor
    `image` and a 2-D `kernel` (neither needs to be square), returning the 2-D output tensor.
    Two loops over the output positions are perfectly fine. (Hint: `F.pad(image, (p, p, p, p))`
    adds the zeros; `tensor.unfold` can cut out all windows at once if you want speed.) Do not call
    `F.conv2d` or `nn.Conv2d`: they are the referees in the checks.
    """
)

CONV_ANSWER = answer(
    "conv2d_single",
    '''
    def conv2d_single(image, kernel, stride=1, padding=0):
        """Cross-correlate a 2-D image with a 2-D kernel as nn.Conv2d does: zero padding, no flip."""
        ### BEGIN SOLUTION
        padded = F.pad(image, (padding, padding, padding, padding))
        kernel_h, kernel_w = kernel.shape
        # windows[i, j] is the kernel-sized patch under output pixel (i, j)
        windows = padded.unfold(0, kernel_h, stride).unfold(1, kernel_w, stride)
        return (windows * kernel).sum(dim=(-2, -1))
        ### END SOLUTION
    ''',
)

CONV_CHECK = code(
    """
    # Check your answer on the lecture's example, then against F.conv2d on random tensors.
    example = torch.tensor(
        [[3.0, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
    )
    example_kernel = torch.tensor([[0.0, 1, 2], [2, 2, 0], [0, 1, 2]])

    out = conv2d_single(example, example_kernel)
    assert isinstance(out, torch.Tensor), f"return a tensor, not {type(out).__name__}"
    assert out.shape == (3, 3), f"expected a 3x3 output, got {tuple(out.shape)}"
    assert torch.allclose(out, torch.tensor([[12.0, 12, 17], [10, 17, 19], [9, 6, 14]])), out
    strided = conv2d_single(example, example_kernel, stride=2, padding=1)
    assert torch.allclose(strided, torch.tensor([[6.0, 17, 3], [8, 17, 13], [6, 4, 4]])), strided

    for shape, kernel_shape, stride, padding in [((7, 9), (3, 2), 1, 0), ((8, 6), (3, 3), 2, 1)]:
        image, kernel = torch.randn(shape), torch.randn(kernel_shape)
        expected = F.conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
        mine = conv2d_single(image, kernel, stride=stride, padding=padding)
        case = f"{shape} image, {kernel_shape} kernel, stride {stride}, padding {padding}"
        assert mine.shape == expected.shape, f"{case}: expected shape {tuple(expected.shape)}"
        assert torch.allclose(mine, expected, atol=1e-5), f"{case}: values differ from F.conv2d"
    print("conv2d_single passes the public checks")
    """,
    role="check",
)

PHOTO_PROMPT = markdown(
    r"""
    ### Your convolution on a photograph

    A kernel is a tiny recipe that says how each pixel is mixed with its neighbours. The lecture
    used three hand-made ones, and you can now run them with your own function on a real picture:
    the portrait of computer scientist Grace Hopper that ships with matplotlib (no download).

    * **blur**: $\frac{1}{16}\begin{bmatrix}1&2&1\\2&4&2\\1&2&1\end{bmatrix}$, a weighted average of
      the neighbourhood. Its weights add up to 1, so the overall brightness stays the same.
    * **emboss**: $\begin{bmatrix}-2&-1&0\\-1&1&1\\0&1&2\end{bmatrix}$ compares one corner of the
      neighbourhood with the opposite one, so the picture looks carved in relief.
    * **edges**: $\begin{bmatrix}-1&-1&-1\\-1&8&-1\\-1&-1&-1\end{bmatrix}$ adds up to 0: flat areas
      become 0 (grey) and only places where the brightness changes stand out.

    In a CNN nobody writes kernels by hand any more: their numbers are the weights that training
    learns.
    """
)

PHOTO = code(
    """
    from matplotlib import cbook

    # The photo ships inside matplotlib. Turn it into a 100x100 greyscale tensor with torch alone.
    pixels = plt.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    rgb = torch.tensor(pixels, dtype=torch.float32) / 255  # (height, width, 3), values in [0, 1]
    grey = rgb @ torch.tensor([0.299, 0.587, 0.114])  # how bright each pixel looks to the eye
    side = min(grey.shape)
    square = grey[:side, :side]  # the top square keeps the face
    photo = F.adaptive_avg_pool2d(square[None, None], (100, 100))[0, 0]  # average blocks: 100x100
    show_images({"photo": photo})
    """,
    role="demo",
)

FILTERS = code(
    """
    KERNELS = {
        "blur": torch.tensor([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
        "emboss": torch.tensor([[-2.0, -1, 0], [-1, 1, 1], [0, 1, 2]]),
        "edges": torch.tensor([[-1.0, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    }
    try:
        # padding=1 keeps the 100x100 size with a 3x3 kernel
        filtered = {name: conv2d_single(photo, kernel, padding=1) for name, kernel in KERNELS.items()}
    except NotImplementedError:
        print("conv2d_single is still a stub: finish question 2 to see these filters at work.")
    else:
        show_images({"original": photo, **filtered})
    """,
    role="demo",
)

# ---------------------------------------------------------------------------------------------
# Question 3: max pooling by hand
# ---------------------------------------------------------------------------------------------

POOL_PROMPT = markdown(
    r"""
    ## 3. Max pooling by hand (4 points)

    Pooling shrinks a feature map so that the layers after it (and above all the final linear
    layer) need fewer weights. *Max pooling* with a $k \times k$ window cuts the map into
    non-overlapping $k \times k$ blocks (the stride equals the window) and keeps the largest value
    of each block: the strongest response of a feature in that neighbourhood. Rows or columns
    left over at the bottom or right that cannot fill a whole block are dropped, so an $n$-pixel
    side becomes $\lfloor n / k \rfloor$.

    The lecture's example with a 2×2 window:

    | | | | | → | | |
    |---|---|---|---|---|---|---|
    | 1 | 3 | 2 | 9 | | **7** | **9** |
    | 7 | 4 | 1 | 5 | | **8** | **4** |
    | 8 | 5 | 2 | 3 | | | |
    | 4 | 2 | 1 | 4 | | | |

    **Your task.** Write `max_pool2d_single(image, kernel_size)` for a 2-D tensor, returning the
    pooled 2-D tensor; it must equal `F.max_pool2d` (which is off limits in your answer).
    """
)

POOL_ANSWER = answer(
    "max_pool2d_single",
    '''
    def max_pool2d_single(image, kernel_size):
        """Max pooling of a 2-D tensor, square window, stride = window, partial windows dropped."""
        ### BEGIN SOLUTION
        rows, cols = image.shape[0] // kernel_size, image.shape[1] // kernel_size
        kept = image[: rows * kernel_size, : cols * kernel_size]
        blocks = kept.reshape(rows, kernel_size, cols, kernel_size)  # blocks[r, :, c, :] is one window
        return blocks.amax(dim=(1, 3))
        ### END SOLUTION
    ''',
)

POOL_CHECK = code(
    """
    # Check your answer on the lecture's example, then against F.max_pool2d.
    grid = torch.tensor([[1.0, 3, 2, 9], [7, 4, 1, 5], [8, 5, 2, 3], [4, 2, 1, 4]])
    pooled = max_pool2d_single(grid, 2)
    assert isinstance(pooled, torch.Tensor), f"return a tensor, not {type(pooled).__name__}"
    assert torch.equal(pooled, torch.tensor([[7.0, 9], [8, 4]])), pooled

    image = torch.randn(7, 10)
    for k in (2, 3):
        expected = F.max_pool2d(image[None, None], k)[0, 0]
        mine = max_pool2d_single(image, k)
        assert mine.shape == expected.shape, f"7x10 image, window {k}: expected shape {tuple(expected.shape)}"
        assert torch.equal(mine, expected), f"7x10 image, window {k}: values differ from F.max_pool2d"
    print("max_pool2d_single passes the public checks")
    """,
    role="check",
)

# ---------------------------------------------------------------------------------------------
# Question 4: counting parameters
# ---------------------------------------------------------------------------------------------

PARAMS_PROMPT = markdown(
    r"""
    ## 4. Counting parameters (4 points)

    **Linear layers.** Every output is a weighted sum of all inputs plus a bias:
    `in_features × out_features` weights and `out_features` biases. The lecture's toy network on a
    4×4 image (16 pixels → 4 hidden units → 1 output) therefore has
    $(16 \cdot 4 + 4) + (4 \cdot 1 + 1) = 73$ parameters. Letting each hidden unit look only at its
    own 2×2 quarter of the image, instead of all 16 pixels, cuts that to
    $(4 \cdot 4 + 4) + (4 \cdot 1 + 1) = 25$.

    **Convolutional layers.** A convolution goes one step further and *shares* its weights across
    the whole image. Each of its `out_channels` kernels spans all `in_channels` input channels, so
    it has `in_channels × kernel_height × kernel_width` weights, plus one bias per kernel:

    $$\text{params} = \text{out} \cdot \text{in} \cdot k_h \cdot k_w + \text{out}.$$

    For `nn.Conv2d(1, 3, kernel_size=3)`: $3 \cdot 1 \cdot 3 \cdot 3 + 3 = 30$. The size of the image
    appears nowhere in this formula: the same layer works on 28×28 or 1000×1000 pictures.

    **Your task.** Write `conv2d_param_count(in_channels, out_channels, kernel_size, bias=True)`
    (`kernel_size` is an `int` for a square kernel or an `(h, w)` tuple) and
    `linear_param_count(in_features, out_features, bias=True)`. With `bias=False` the layer has
    no biases. Both return an `int` equal to the parameter count of the real PyTorch layer.
    """
)

PARAMS_ANSWER = answer(
    "param_counts",
    '''
    def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
        """Parameters of nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias)."""
        ### BEGIN SOLUTION
        if isinstance(kernel_size, int):
            kernel_size = (kernel_size, kernel_size)
        kernel_h, kernel_w = kernel_size
        return out_channels * in_channels * kernel_h * kernel_w + (out_channels if bias else 0)
        ### END SOLUTION


    def linear_param_count(in_features, out_features, bias=True):
        """Parameters of nn.Linear(in_features, out_features, bias=bias)."""
        ### BEGIN SOLUTION
        return in_features * out_features + (out_features if bias else 0)
        ### END SOLUTION
    ''',
)

PARAMS_CHECK = code(
    """
    # Check your answer: the lecture's counts, then real layers as the referee.
    assert conv2d_param_count(1, 3, 3) == 30, "nn.Conv2d(1, 3, 3) has 3*1*3*3 weights + 3 biases"
    toy = linear_param_count(16, 4) + linear_param_count(4, 1)
    assert toy == 73, f"the lecture's 16 -> 4 -> 1 network has 73 parameters, you count {toy}"

    for args in [(3, 8, 5), (2, 4, (3, 1)), (6, 6, (1, 5))]:
        for bias in (True, False):
            real = n_params(nn.Conv2d(*args, bias=bias))
            mine = conv2d_param_count(*args, bias=bias)
            assert mine == real, f"nn.Conv2d{args} with bias={bias}: {real} parameters, you count {mine}"
    assert linear_param_count(10, 7, bias=False) == n_params(nn.Linear(10, 7, bias=False))
    print("conv2d_param_count and linear_param_count pass the public checks")
    """,
    role="check",
)

# ---------------------------------------------------------------------------------------------
# Question 5: the lecture's CNN
# ---------------------------------------------------------------------------------------------

CNN_PROMPT = markdown(
    r"""
    ## 5. The lecture's CNN (8 points)

    A CNN is cooked from a few ingredients: convolutions (with learned kernels), a nonlinearity
    such as ReLU after each of them, pooling to shrink the feature maps, and at the end a flatten
    followed by linear layers that turn the features into a prediction. Tensors of images in
    PyTorch have the shape `(batch, channels, height, width)`.

    Build the lecture's CNN with pooling, for `(N, 1, 100, 100)` greyscale images and one output
    number per image:

    | step | layer | output shape (per image) |
    |---|---|---|
    | 1 | convolution 1 → 3 channels, kernel 3, stride 1, padding 1 | 3 × 100 × 100 |
    | 2 | ReLU | 3 × 100 × 100 |
    | 3 | max pooling 2 | 3 × 50 × 50 |
    | 4 | convolution 3 → 2 channels, kernel 3, stride 1, padding 1 | 2 × 50 × 50 |
    | 5 | ReLU | 2 × 50 × 50 |
    | 6 | max pooling 2 | 2 × 25 × 25 |
    | 7 | flatten | 1250 |
    | 8 | linear 1250 → 1 | 1 |

    It has **1,337** parameters in total. The lecture's first version had no pooling layers: its
    linear layer then saw all 2 × 100 × 100 values and the network had **20,087** parameters.
    Pooling twice cut the last layer about sixteen-fold.

    **Your task.** Write `class CNN(nn.Module)` with a constructor that takes no arguments and a
    `forward(x)` returning a tensor of shape `(N, 1)`. Use `nn.Sequential`, separate attributes,
    or functions such as `F.relu` in `forward`: the graders look at what your network computes.
    """
)

CNN_ANSWER = answer(
    "cnn",
    '''
    class CNN(nn.Module):
        """The lecture's CNN with pooling: a 1x100x100 image in, one number out."""

        def __init__(self):
            super().__init__()
            ### BEGIN SOLUTION
            self.main = nn.Sequential(
                nn.Conv2d(1, 3, kernel_size=3, stride=1, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Conv2d(3, 2, kernel_size=3, stride=1, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Flatten(),
                nn.Linear(1250, 1),
            )
            ### END SOLUTION

        def forward(self, x):
            ### BEGIN SOLUTION
            return self.main(x)
            ### END SOLUTION
    ''',
)

CNN_CHECK = code(
    """
    # Check your answer: the output shape and the lecture's parameter count.
    model = CNN()
    assert isinstance(model, nn.Module), "CNN() should build an nn.Module"
    out = model(torch.rand(2, 1, 100, 100))
    assert out.shape == (2, 1), f"a batch of 2 images should give shape (2, 1), got {tuple(out.shape)}"
    assert n_params(model) == 1337, f"the lecture's CNN has 1,337 parameters, yours {n_params(model):,}"
    print("CNN passes the public checks")
    """,
    role="check",
)

INSIDE_PROMPT = markdown(
    r"""
    ### Inside your CNN

    `summary` from the `torch-summary` package (the table the lecture showed) lists each layer with
    its output shape and parameters; the total should read 1,337 parameters and 0.41 M
    multiply-adds (`Total mult-adds (M): 0.41`). Below it are the three feature maps that the
    first convolution makes of the photograph. Its weights are still random, as before any
    training, yet each kernel already responds to something different.
    """
)

SUMMARY = code(
    """
    from torchsummary import summary  # the torch-summary package (1.4.5), as in the lecture

    try:
        model = CNN()
    except NotImplementedError:
        model = None
        print("CNN is still a stub: finish question 5 to see its summary and feature maps.")
    else:
        summary(model, (1, 100, 100))
    """,
    role="demo",
)

FEATURE_MAPS = code(
    """
    first_convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)] if model is not None else []
    if first_convs:
        with torch.no_grad():
            maps = first_convs[0](photo[None, None])[0]  # (channels, height, width)
        show_images({f"feature map {i}": fmap for i, fmap in enumerate(maps)}, cmap="viridis")
    else:
        print("No nn.Conv2d layer to look at yet.")
    """,
    role="demo",
)

# ---------------------------------------------------------------------------------------------
# Question 6: fully connected vs convolutional
# ---------------------------------------------------------------------------------------------

FCNN_PROMPT = markdown(
    r"""
    ## 6. Fully connected vs convolutional (6 points)

    The lecture compared two regressors for 128×128 greyscale images. The fully connected one
    flattens the image and gives every pixel its own weight in every unit of the first layer; the
    convolutional one keeps the image's shape and reuses small kernels everywhere.

    `FCNN(input_size)` takes `(N, input_size)` and returns `(N, 1)`:

    linear `input_size` → 256, ReLU, 256 → 128, ReLU, 128 → 64, ReLU, 64 → 32, ReLU, 32 → 16,
    16 → 1 (no ReLU after the last two linear layers).

    `ConvNet(input_channels)` takes `(N, input_channels, 128, 128)` and returns `(N, 1)`:

    five blocks of (convolution to 3 channels with kernel 3 and padding 1, then ReLU), the first
    from `input_channels` to 3 and the others from 3 to 3; then flatten and linear 49152 → 1
    (3 channels × 128 × 128 = 49152).

    For one-channel 128×128 images, `FCNN(128 * 128)` has **4,238,337** parameters, almost all of
    them in its first layer, while `ConvNet(1)` has **49,519**, almost all of them in its last.

    **Your task.** Write both classes. Helper functions that build a block are welcome.
    """
)

FCNN_ANSWER = answer(
    "fcnn_vs_convnet",
    '''
    class FCNN(nn.Module):
        """The lecture's fully connected regressor for flattened images."""

        def __init__(self, input_size):
            super().__init__()
            ### BEGIN SOLUTION
            widths = [input_size, 256, 128, 64, 32]
            layers = []
            for n_in, n_out in zip(widths, widths[1:]):
                layers += [nn.Linear(n_in, n_out), nn.ReLU()]
            self.main = nn.Sequential(*layers, nn.Linear(32, 16), nn.Linear(16, 1))
            ### END SOLUTION

        def forward(self, x):
            ### BEGIN SOLUTION
            return self.main(x)
            ### END SOLUTION


    class ConvNet(nn.Module):
        """The lecture's convolutional regressor for 128x128 images."""

        def __init__(self, input_channels):
            super().__init__()
            ### BEGIN SOLUTION
            blocks = []
            channels = input_channels
            for _ in range(5):
                blocks += [nn.Conv2d(channels, 3, kernel_size=3, padding=1), nn.ReLU()]
                channels = 3
            self.main = nn.Sequential(*blocks, nn.Flatten(), nn.Linear(3 * 128 * 128, 1))
            ### END SOLUTION

        def forward(self, x):
            ### BEGIN SOLUTION
            return self.main(x)
            ### END SOLUTION
    ''',
)

FCNN_CHECK = code(
    """
    # Check your answer: shapes, then the lecture's comparison.
    fcnn, convnet = FCNN(128 * 128), ConvNet(1)
    out = fcnn(torch.rand(4, 128 * 128))
    assert out.shape == (4, 1), f"FCNN on (4, 16384) should give (4, 1), got {tuple(out.shape)}"
    out = convnet(torch.rand(2, 1, 128, 128))
    assert out.shape == (2, 1), f"ConvNet on (2, 1, 128, 128) should give (2, 1), got {tuple(out.shape)}"
    print(f"FCNN(128 * 128): {n_params(fcnn):>9,} parameters (lecture: 4,238,337)")
    print(f"ConvNet(1):      {n_params(convnet):>9,} parameters (lecture: 49,519)")
    assert n_params(fcnn) == 4_238_337, "FCNN(128 * 128) should have 4,238,337 parameters"
    assert n_params(convnet) == 49_519, "ConvNet(1) should have 49,519 parameters"
    print("FCNN and ConvNet pass the public checks")
    """,
    role="check",
)

# ---------------------------------------------------------------------------------------------
# Question 7: the input size of the first linear layer
# ---------------------------------------------------------------------------------------------

LINEAR_IN_PROMPT = markdown(
    r"""
    ## 7. How many inputs does the first linear layer need? (2 points)

    The classic stumbling block when building a CNN is the `in_features` of the first `nn.Linear`
    after flattening: it must equal channels × height × width of the last feature map. Take a
    3×64×64 colour image through

    `nn.Conv2d(3, 8, 5)` → `nn.MaxPool2d(2)` → `nn.Conv2d(8, 16, 3, padding=1)` → `nn.MaxPool2d(2)`
    → `nn.Flatten()`

    and set `linear_in_features` to the number of values that come out per image.

    Work it out with your `conv_output_size` (and ⌊n/2⌋ for each pooling), then confirm it the
    practical way: build the layers and push a dummy tensor such as `torch.zeros(1, 3, 64, 64)`
    through them.
    """
)

LINEAR_IN_ANSWER = answer(
    "linear_in_features",
    """
    # linear_in_features = ...  (an int)
    ### BEGIN SOLUTION
    # 64 -> conv 5x5: 60 -> pool 2: 30 -> conv 3x3 padding 1: 30 -> pool 2: 15, with 16 channels
    linear_in_features = 16 * 15 * 15
    ### END SOLUTION
    """,
)

LINEAR_IN_CHECK = code(
    """
    # Check the form of your answer (the value is for the hidden tests to judge).
    if "linear_in_features" not in globals():  # the answer cell above still raises
        raise NotImplementedError("linear_in_features is not defined yet: answer the cell above and run it")
    assert float(linear_in_features) == int(linear_in_features), (
        f"expected a whole number (an int, 12.0 or a numpy integer), found {linear_in_features!r}"
    )
    assert linear_in_features > 0, "a number of features is positive"
    print("linear_in_features has the right form")
    """,
    role="check",
)

# ---------------------------------------------------------------------------------------------
# Question 8: a classifier on a budget
# ---------------------------------------------------------------------------------------------

BUDGET_PROMPT = markdown(
    r"""
    ## 8. Your own CNN on a budget (6 points)

    Now design a classifier yourself, following the lecture's recipe: convolution, activation,
    (optionally batch normalization), pooling, (optionally dropout), repeated; then flatten and
    linear layers. `BudgetCNN(num_classes=10)` takes `(N, 3, 64, 64)` colour images and returns
    `(N, num_classes)` scores (no softmax needed: `F.cross_entropy` expects raw scores).

    The rules:

    * at most **50,000** trainable parameters with 10 classes (`n_params` counts them);
    * at least two convolutions, at least one pooling (max, average or adaptive) and at least one
      nonlinearity;
    * it works for any `num_classes` and any batch size from 1 up;
    * a cross-entropy loss gives every trainable parameter a finite gradient (no unused layers).

    Tips: most parameters hide in the first linear layer, so shrink the feature maps before
    flattening, with pooling or `nn.AdaptiveAvgPool2d`. Count as you design: your
    `conv2d_param_count` and `linear_param_count` are exactly the tools for that.
    """
)

BUDGET_ANSWER = answer(
    "budget_cnn",
    '''
    class BudgetCNN(nn.Module):
        """A small classifier for 3x64x64 images."""

        def __init__(self, num_classes=10):
            super().__init__()
            ### BEGIN SOLUTION
            self.features = nn.Sequential(
                nn.Conv2d(3, 16, kernel_size=3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),  # 16 x 32 x 32
                nn.Conv2d(16, 32, kernel_size=3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),  # 32 x 16 x 16
                nn.Conv2d(32, 64, kernel_size=3, padding=1),
                nn.ReLU(),
                nn.AdaptiveAvgPool2d(1),  # 64 x 1 x 1, whatever the image size
                nn.Flatten(),
            )
            self.classifier = nn.Linear(64, num_classes)
            ### END SOLUTION

        def forward(self, x):
            ### BEGIN SOLUTION
            return self.classifier(self.features(x))
            ### END SOLUTION
    ''',
)

BUDGET_CHECK = code(
    """
    # Check your answer: budget, shapes, and gradients for every parameter.
    budget = BudgetCNN()
    print(f"BudgetCNN(): {n_params(budget):,} trainable parameters (at most 50,000)")
    assert n_params(budget) <= 50_000, "over budget"
    for batch, classes in [(1, 10), (5, 3)]:
        scores = BudgetCNN(classes)(torch.rand(batch, 3, 64, 64))
        assert scores.shape == (batch, classes), f"expected ({batch}, {classes}), got {tuple(scores.shape)}"

    loss = F.cross_entropy(budget(torch.rand(4, 3, 64, 64)), torch.tensor([0, 1, 2, 3]))
    loss.backward()
    for name, p in budget.named_parameters():
        assert p.grad is not None, f"{name} gets no gradient: is that layer used in forward?"
        assert torch.isfinite(p.grad).all(), f"{name} has a gradient that is not finite"
    print("BudgetCNN passes the public checks")
    """,
    role="check",
)

OUTRO = markdown(
    """
    ## Before you submit

    Restart the kernel and run every cell (*Kernel → Restart & Run All*), check that the public
    checks pass, and save. Make sure no cell takes long to run: the graders give each cell a
    time limit.
    """
)


def _question(question_id: str, *cells: NotebookNode) -> list[NotebookNode]:
    """Prompt, answer, check, then the graded cell with the contract's points, then any demos."""
    prompt, answer_cell, check_cell, *demos = cells
    points = LAB6.question(question_id).points
    return [prompt, answer_cell, check_cell, graded(ASSIGNMENT, question_id, points), *demos]


def cells() -> list[NotebookNode]:
    """The source notebook's cells, in order."""
    return [
        INTRO,
        SETUP,
        *_question("conv_output_size", OUTPUT_SIZE_PROMPT, OUTPUT_SIZE_ANSWER, OUTPUT_SIZE_CHECK),
        *_question("conv2d_single", CONV_PROMPT, CONV_ANSWER, CONV_CHECK, PHOTO_PROMPT, PHOTO, FILTERS),
        *_question("max_pool2d_single", POOL_PROMPT, POOL_ANSWER, POOL_CHECK),
        *_question("param_counts", PARAMS_PROMPT, PARAMS_ANSWER, PARAMS_CHECK),
        *_question("cnn", CNN_PROMPT, CNN_ANSWER, CNN_CHECK, INSIDE_PROMPT, SUMMARY, FEATURE_MAPS),
        *_question("fcnn_vs_convnet", FCNN_PROMPT, FCNN_ANSWER, FCNN_CHECK),
        *_question("linear_in_features", LINEAR_IN_PROMPT, LINEAR_IN_ANSWER, LINEAR_IN_CHECK),
        *_question("budget_cnn", BUDGET_PROMPT, BUDGET_ANSWER, BUDGET_CHECK),
        OUTRO,
    ]


def build() -> NotebookNode:
    """The source notebook ``source/lab6/lab6.ipynb``."""
    return notebook(ASSIGNMENT, cells())
