# Your own layers for question 7, drawn from your student id: the same ones each time you run this.
# This cell only draws them and says them in words; the arithmetic is yours.
import hashlib

LAB = "lab6"

# The numbers everyone gets without a student id (the practice version).
CANONICAL = {"image": (3, 64, 64), "conv1": (3, 8, 5), "conv2": (8, 16, 3, 1)}


def draw_integer(student, count, low, high):
    """A whole number from low to high, both included, drawn from the id: the same on every computer."""
    key = f"{LAB}:linear_in_features:{student.strip().casefold()}:{count}"
    digest = hashlib.sha256(key.encode()).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low + 1)


def draw(student):
    """The image and the two convolutions of question 7 for this student id (None: the practice ones)."""
    if student is None or not str(student).strip():
        return CANONICAL
    numbers = iter(range(100))

    def pick(options):
        return options[draw_integer(str(student), next(numbers), 0, len(options) - 1)]

    channels = pick([1, 3])
    height, width = pick(range(40, 121)), pick(range(40, 121))
    first = (channels, pick(range(4, 17)), pick([3, 5, 7]))
    kernel = pick([3, 5])
    second = (first[1], pick([14, 17, 19, 21, 22, 23, 27, 28, 29, 31]), kernel, pick(range(kernel // 2 + 1)))
    return {"image": (channels, height, width), "conv1": first, "conv2": second}


def prompt(p):
    """Question 7's stack, in words and code."""
    c0, height, width = p["image"]
    (_, c1, k1), (_, c2, k2, p2) = p["conv1"], p["conv2"]
    padding = f", padding={p2}" if p2 else ""
    return (f"Take a {c0}×{height}×{width} image (channels × height × width) through\n\n"
            f"    nn.Conv2d({c0}, {c1}, {k1}) → nn.MaxPool2d(2) → nn.Conv2d({c1}, {c2}, {k2}{padding})"
            " → nn.MaxPool2d(2) → nn.Flatten()\n\n"
            "How many values come out per image?")
