# Your own numbers for quiz 6, drawn from your student id: the same ones each time you run this.
# This cell only draws the numbers and writes the questions; working out the answers is yours.
import hashlib

QUIZ = "quiz6"
LETTERS = "ABCDE"

# The lecture's own numbers: what everyone gets without a student id (the practice version).
CANONICAL = {
    "q1": {"size": 4, "kernel": 3, "options": [(4, 4), (3, 3), (2, 2)]},
    "q2": {"statements": [
        {"kind": "input_dims", "layer": None, "dims": 2},
        {"kind": "output_dims", "layer": None, "dims": 2},
        {"kind": "weight_dims", "layer": None, "dims": 4},
        {"kind": "more_linear_always"},
        {"kind": "more_conv_always"},
    ]},
    "q3": {"in_channels": 3, "out_channels": 3, "kernel_size": (3, 3)},
    "q4": {"input": (1, 1, 100, 100), "out_channels": 1, "kernel_size": 5},
    "q5": {"size": 100, "kernel": 51},
    "q6": {"size": (100, 100), "kernel": 25, "stride": 3},
    "q7": {"in_channels": 3, "out_channels": 8, "kernel_size": 5},
    "q8": {"grid": [[1, 3, 2, 9], [7, 4, 1, 5], [8, 5, 2, 3], [4, 2, 1, 4]], "window": 2},
    "q9": {"image": (1, 100, 100), "convs": [(1, 3, 3, 1), (3, 2, 3, 1)], "outputs": 1},
    "q10": {"options": [
        ("batch", "height", "width", "channels"),
        ("batch", "channels", "height", "width"),
        ("channels", "batch", "height", "width"),
        ("height", "width", "channels", "batch"),
    ]},
}

# Kernel sizes for question 5: odd, so that some padding keeps the size; those the lecture or the
# lab answers for are left out.
Q5_LEFT_OUT = (45, 51, 53, 55, 57, 61, 65, 67, 77, 81, 83, 99, 101, 103, 113, 121, 129, 147, 163, 169, 193)
Q5_KERNELS = tuple(k for k in range(41, 200, 2) if k not in Q5_LEFT_OUT)


class Draw:
    """Numbers drawn from a student id and a question: the same for every run and every computer."""

    def __init__(self, student, question):
        self.key = f"{QUIZ}:{question}:{student.strip().casefold()}"
        self.count = 0

    def integer(self, low, high):
        """A whole number from low to high, both included."""
        digest = hashlib.sha256(f"{self.key}:{self.count}".encode()).digest()
        self.count += 1
        return low + int.from_bytes(digest[:8], "big") % (high - low + 1)

    def choice(self, options):
        return options[self.integer(0, len(options) - 1)]

    def shuffled(self, items):
        items = list(items)
        for i in range(len(items) - 1, 0, -1):
            j = self.integer(0, i)
            items[i], items[j] = items[j], items[i]
        return items


def draw(student):
    """Every question's numbers for this student id (None: the lecture's numbers)."""
    if student is None or not str(student).strip():
        return CANONICAL
    return {question: make(Draw(str(student), question)) for question, make in DRAWS.items()}


def draw_q1(d):
    kernel = d.integer(3, 7)
    size = d.integer(kernel + 3, 16)
    sizes = [size, size - kernel, size - kernel + 1, size - kernel + 2]
    return {"size": size, "kernel": kernel, "options": d.shuffled([(s, s) for s in sizes])}


def draw_layer(d):
    return (d.integer(2, 8), d.integer(4, 32), d.choice([3, 5, 7]))


def draw_statement(d, kind):
    layer = draw_layer(d)
    if kind == "input_dims":
        return {"kind": kind, "layer": layer, "dims": d.choice([2, 3, 4])}
    if kind == "output_dims":
        return {"kind": kind, "layer": layer, "dims": d.choice([2, 3, 4]), "batch": d.integer(2, 64),
                "size": (d.integer(16, 128), d.integer(16, 128))}
    if kind == "weight_dims":
        return {"kind": kind, "layer": layer, "dims": d.choice([2, 3, 4])}
    if kind == "bias_count":
        in_channels, out_channels, kernel = layer
        return {"kind": kind, "layer": layer, "count": d.choice([out_channels, in_channels, kernel * kernel])}
    if kind == "any_image_size":
        return {"kind": kind, "layer": layer, "sizes": (d.integer(16, 64), d.integer(100, 512)),
                "times": d.choice([1, 4])}
    if kind == "pool_parameters":
        window = d.integer(2, 4)
        return {"kind": kind, "window": window, "count": d.choice([0, window * window])}
    if kind == "relu_parameters":
        return {"kind": kind, "learns": d.choice([True, False])}
    return {"kind": kind}  # "more_linear_always", "more_conv_always": the lecture's claims


STATEMENT_KINDS = ("input_dims", "output_dims", "weight_dims", "bias_count", "any_image_size",
                   "pool_parameters", "relu_parameters", "more_linear_always", "more_conv_always")


def draw_q2(d):
    kinds = d.shuffled(STATEMENT_KINDS)[:5]
    return {"statements": [draw_statement(d, kind) for kind in kinds], "may_be_none": True}


def draw_q3(d):
    kernel_size = (d.integer(2, 7), d.integer(2, 7))
    return {"in_channels": d.integer(3, 9), "out_channels": d.integer(41, 49), "kernel_size": kernel_size}


def draw_q4(d):
    height = d.integer(137, 230)
    width = d.choice([w for w in range(137, 231) if w != height])
    channels = d.integer(1, 4)
    return {"input": (d.integer(2, 16), channels, height, width), "out_channels": d.integer(2, 32),
            "kernel_size": d.integer(3, 9)}


def draw_q5(d):
    kernel = d.choice(Q5_KERNELS)
    return {"size": d.integer(kernel + 10, 400), "kernel": kernel}


def draw_q6(d):
    stride = d.choice([2, 3])
    low, high = (275, 470) if stride == 2 else (400, 700)
    height = d.integer(low, high)
    width = d.choice([w for w in range(low, high + 1) if w != height])
    return {"size": (height, width), "kernel": d.integer(5, 15), "stride": stride}


def draw_q7(d):
    kernel_height = d.integer(2, 7)
    kernel_width = d.choice([k for k in range(2, 8) if k != kernel_height])
    return {"in_channels": d.integer(2, 9), "out_channels": d.integer(10, 64),
            "kernel_size": (kernel_height, kernel_width)}


def draw_q8(d):
    window = d.choice([2, 2, 3])
    rows, columns = (d.choice([4, 6]), d.choice([4, 6])) if window == 2 else (6, 6)
    grid = [[d.integer(10, 99) for _ in range(columns)] for _ in range(rows)]
    return {"grid": grid, "window": window}


def draw_q9(d):
    channels = [d.choice([1, 3]), d.integer(2, 8), d.integer(4, 8)]
    convs = []
    for i in range(2):
        kernel = d.choice([3, 5])
        convs.append((channels[i], channels[i + 1], kernel, d.integer(0, kernel // 2)))
    return {"image": (channels[0], d.integer(30, 80), d.integer(30, 80)), "convs": convs,
            "outputs": d.integer(2, 9)}


def draw_q10(d):
    batch = d.integer(4, 64)
    height = d.integer(16, 256)
    width = d.choice([w for w in range(16, 257) if w not in (height, batch)])
    shapes = [(batch, 3, height, width), (batch, height, width, 3), (3, batch, height, width),
              (height, width, 3, batch)]
    return {"batch": batch, "size": (height, width), "options": d.shuffled(shapes)}


DRAWS = {"q1": draw_q1, "q2": draw_q2, "q3": draw_q3, "q4": draw_q4, "q5": draw_q5, "q6": draw_q6,
         "q7": draw_q7, "q8": draw_q8, "q9": draw_q9, "q10": draw_q10}


# -- the questions, in words ------------------------------------------------------------------

def conv(layer):
    in_channels, out_channels, kernel = layer
    return f"nn.Conv2d({in_channels}, {out_channels}, kernel_size={kernel})"


def size_text(shape):
    return "×".join(str(n) for n in shape)


def options_text(options, show):
    return "\n".join(f"({LETTERS[i]}) {show(option)}" for i, option in enumerate(options))


def statement_text(s):
    kind, layer = s["kind"], s.get("layer")
    if kind == "input_dims" and layer is None:
        return f"nn.Conv2d takes a {s['dims']}-D tensor as its input."
    if kind == "input_dims":
        return f"{conv(layer)} accepts a {s['dims']}-D tensor as its input."
    if kind == "output_dims" and layer is None:
        return f"nn.Conv2d returns a {s['dims']}-D tensor."
    if kind == "output_dims":
        shape = (s["batch"], layer[0], *s["size"])
        return f"{conv(layer)} applied to a batch of shape {shape} returns a {s['dims']}-D tensor."
    if kind == "weight_dims" and layer is None:
        return f"The weights of an nn.Conv2d layer form a {s['dims']}-D array."
    if kind == "weight_dims":
        return f"The weights of {conv(layer)} form a {s['dims']}-D tensor."
    if kind == "bias_count":
        return f"{conv(layer)} has {s['count']} bias values."
    if kind == "any_image_size":
        small, large = s["sizes"]
        how_many = "as many parameters" if s["times"] == 1 else f"{s['times']} times as many parameters"
        return f"{conv(layer)} has {how_many} on {large}×{large} images as on {small}×{small} images."
    if kind == "pool_parameters":
        return f"nn.MaxPool2d({s['window']}) has {s['count']} learnable parameters."
    if kind == "relu_parameters":
        return f"nn.ReLU() has {'' if s['learns'] else 'no '}learnable parameters."
    if kind == "more_linear_always":
        return ("Adding fully connected layers after the flatten step always increases the number of "
                "parameters of a convnet.")
    return "A CNN with more convolutional layers always has more parameters than one with fewer."


def prompt_q1(p):
    k, n = p["kernel"], p["size"]
    return (f"A {k}×{k} filter slides over a {n}×{n} input, one pixel at a time, with no padding. "
            f"What shape is the output?\n\n" + options_text(p["options"], size_text))


def prompt_q2(p):
    lines = [f"({LETTERS[i]}) {statement_text(s)}" for i, s in enumerate(p["statements"])]
    none = " There may be none: then answer set()." if p.get("may_be_none") else ""
    return f"Which of these statements are true? Select all that apply.{none}\n\n" + "\n".join(lines)


def prompt_q3(p):
    kh, kw = p["kernel_size"]
    return (f"How many parameters does nn.Conv2d({p['in_channels']}, {p['out_channels']}, "
            f"kernel_size=({kh}, {kw})) have, biases included?")


def prompt_q4(p):
    k, channels = p["kernel_size"], p["input"][1]
    return (f"nn.Conv2d({channels}, {p['out_channels']}, kernel_size=({k}, {k})) is applied to a tensor of "
            f"shape {p['input']}. What is the shape of the result?")


def prompt_q5(p):
    k, n = p["kernel"], p["size"]
    return (f"A {k}×{k} kernel moves over a {n}×{n} image with stride 1. How much padding keeps the output "
            f"at {n}×{n}?")


def prompt_q6(p):
    k, (height, width) = p["kernel"], p["size"]
    image = f"a {height}×{width} image"
    if height != width:
        image = f"an image of height {height} and width {width}"
    return (f"A {k}×{k} kernel moves over {image} with stride {p['stride']} and no padding. What are the "
            "height and width of the output?")


def prompt_q7(p):
    kernel = p["kernel_size"]
    return (f"What is the shape of the weight tensor of nn.Conv2d({p['in_channels']}, {p['out_channels']}, "
            f"kernel_size={kernel})?")


def prompt_q8(p):
    w, grid = p["window"], p["grid"]
    rows = ",\n ".join(str(row) for row in grid)
    return (f"What does max pooling with a {w}×{w} window and stride {w} make of this "
            f"{len(grid)}×{len(grid[0])} input?\n\n[{rows}]")


def prompt_q9(p):
    (c0, c1, k1, p1), (_, c2, k2, p2) = p["convs"]
    outputs = "one output" if p["outputs"] == 1 else f"{p['outputs']} outputs"
    return (f"A CNN without pooling: convolution {c0} → {c1} channels (kernel {k1}, padding {p1}), ReLU, "
            f"convolution {c1} → {c2} channels (kernel {k2}, padding {p2}), ReLU, flatten, and a linear "
            f"layer to {outputs}. For a {size_text(p['image'])} image, how many parameters does that final "
            "linear layer have, bias included?")


def prompt_q10(p):
    if "batch" not in p:
        return ("In what order does PyTorch lay out the dimensions of a batch of images?\n\n"
                + options_text(p["options"], ", ".join))
    height, width = p["size"]
    return (f"A batch of {p['batch']} colour (RGB) images of height {height} and width {width} goes into "
            "nn.Conv2d(3, 16, kernel_size=3). Which shape must the batch have?\n\n"
            + options_text(p["options"], str))


PROMPTS = {"q1": prompt_q1, "q2": prompt_q2, "q3": prompt_q3, "q4": prompt_q4, "q5": prompt_q5,
           "q6": prompt_q6, "q7": prompt_q7, "q8": prompt_q8, "q9": prompt_q9, "q10": prompt_q10}


def prompt(question, params):
    """The question in words, with these numbers."""
    return PROMPTS[question](params)
