"""Quiz 6, cell by cell: ten one-point questions on the CNN lecture (10 points).

Each question is a prompt, one answer cell (``q<n>_answer``) and a locked autograded cell
(``q<n>``) whose hidden part runs ``autograder/quiz6/test_q<n>.py``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from nbformat.notebooknode import NotebookNode

from cnngrader.contract import QUIZ6
from nbsource.cells import answer, code, graded, markdown, notebook

ASSIGNMENT = "quiz6"

LETTER = 'one letter, as a string like "A"'
LETTERS = 'every letter that applies, as a set like {"A", "D"}'
NUMBER = "a whole number like 7"


@dataclass(frozen=True)
class QuizQuestion:
    """One question: what is asked, the form of the answer, and the reference answer."""

    id: str
    prompt: str
    form: str
    solution: str


QUESTIONS = (
    QuizQuestion(
        "q1",
        """
        A 3×3 filter slides over a 4×4 input, one pixel at a time, with no padding. What shape is
        the output?

        (A) 4×4 &nbsp;&nbsp; (B) 3×3 &nbsp;&nbsp; (C) 2×2
        """,
        LETTER,
        '"C"',
    ),
    QuizQuestion(
        "q2",
        """
        Which of these statements are true? Select all that apply.

        (A) `nn.Conv2d` takes a 2-D tensor as its input.<br>
        (B) `nn.Conv2d` returns a 2-D tensor.<br>
        (C) The weights of an `nn.Conv2d` layer form a 4-D array.<br>
        (D) Adding fully connected layers after the flatten step always increases the number of
        parameters of a convnet.<br>
        (E) A CNN with more convolutional layers always has more parameters than one with fewer.
        """,
        LETTERS,
        '{"C"}',
    ),
    QuizQuestion(
        "q3",
        "How many parameters does `nn.Conv2d(3, 3, kernel_size=(3, 3))` have, biases included?",
        NUMBER,
        "84",
    ),
    QuizQuestion(
        "q4",
        """
        `nn.Conv2d(1, 1, kernel_size=(5, 5))` is applied to a tensor of shape `(1, 1, 100, 100)`.
        What is the shape of the result?
        """,
        "a tuple of four whole numbers like (2, 3, 4, 5)",
        "(1, 1, 96, 96)",
    ),
    QuizQuestion(
        "q5",
        """
        A 51×51 kernel moves over a 100×100 image with stride 1. How much padding keeps the output
        at 100×100?
        """,
        NUMBER,
        "25",
    ),
    QuizQuestion(
        "q6",
        """
        A 25×25 kernel moves over a 100×100 image with stride 3 and no padding. What are the height
        and width of the output?
        """,
        "a tuple (height, width) like (10, 12)",
        "(26, 26)",
    ),
    QuizQuestion(
        "q7",
        "What is the shape of the weight tensor of `nn.Conv2d(3, 8, kernel_size=5)`?",
        "a tuple of four whole numbers like (2, 3, 4, 5)",
        "(8, 3, 5, 5)",
    ),
    QuizQuestion(
        "q8",
        """
        What does max pooling with a 2×2 window and stride 2 make of this 4×4 input?

        ```
        [[1, 3, 2, 9],
         [7, 4, 1, 5],
         [8, 5, 2, 3],
         [4, 2, 1, 4]]
        ```
        """,
        "a list of rows like [[1, 2], [3, 4]]",
        "[[7, 9], [8, 4]]",
    ),
    QuizQuestion(
        "q9",
        """
        The lecture's CNN *without* pooling is: convolution 1 → 3 channels (kernel 3, padding 1),
        ReLU, convolution 3 → 2 channels (kernel 3, padding 1), ReLU, flatten, and a linear layer
        to one output. For a 1×100×100 image, how many parameters does that final linear layer
        have, bias included?
        """,
        NUMBER,
        "20001",
    ),
    QuizQuestion(
        "q10",
        """
        In what order does PyTorch lay out the dimensions of a batch of images?

        (A) batch, height, width, channels<br>
        (B) batch, channels, height, width<br>
        (C) channels, batch, height, width<br>
        (D) height, width, channels, batch
        """,
        LETTER,
        '"B"',
    ),
)

INTRO = markdown(
    """
    # Quiz 6: convolutional neural networks

    Ten questions on the lecture, one point each. Answer each one by assigning the variable named
    in its cell (`q1` to `q10`): replace `# YOUR CODE HERE` and `raise NotImplementedError()` with
    a line such as `q1 = "A"`.

    How answers are read:

    * **one letter**: a string such as `"A"` (upper or lower case, spaces ignored);
    * **several letters**: a set such as `{"A", "D"}` (a list, a tuple or a string `"AD"` works too);
    * **a number**: a whole number such as `7`;
    * **a shape**: a tuple such as `(10, 12)` (a list or a `torch.Size` works too);
    * **a grid of numbers**: a list of rows such as `[[1, 2], [3, 4]]`.

    You may compute an answer with PyTorch in a cell of your own, but the quiz is meant to be done
    in your head or on paper. The locked cells after each answer are where hidden tests grade the
    question when your notebook is collected. The last cell checks the *form* of your answers.
    """
)

FORM_CHECK = code(
    """
    # Check the form of your answers (not whether they are right).
    FORMS = {
        "q1": str, "q2": (set, frozenset, list, tuple, str), "q3": (int, float), "q4": (tuple, list),
        "q5": (int, float), "q6": (tuple, list), "q7": (tuple, list), "q8": list,
        "q9": (int, float), "q10": str,
    }
    for name, form in FORMS.items():
        if name not in globals():
            print(f"{name}: not answered yet")
        elif not isinstance(globals()[name], form):
            print(f"{name}: unexpected form {type(globals()[name]).__name__}: see the question")
        else:
            print(f"{name}: answered")
    """,
    role="check",
)


def question_cells(question: QuizQuestion) -> list[NotebookNode]:
    """Prompt, answer cell and graded cell of one quiz question."""
    number = question.id[1:]
    prompt = markdown(f"## Question {number}\n\n{_dedent(question.prompt)}\n\n*Answer with {question.form}.*")
    solution = f"{question.id} = {question.solution}"
    body = "\n".join([f"# {question.id}: {question.form}", *_in_region(solution)])
    points = QUIZ6.question(question.id).points
    return [prompt, answer(question.id, body), graded(ASSIGNMENT, question.id, points)]


def _in_region(line: str) -> list[str]:
    return ["### BEGIN SOLUTION", line, "### END SOLUTION"]


def _dedent(text: str) -> str:
    return textwrap.dedent(text).strip()


def build() -> NotebookNode:
    """The source notebook ``source/quiz6/quiz6.ipynb``."""
    cells = [INTRO]
    for question in QUESTIONS:
        cells += question_cells(question)
    return notebook(ASSIGNMENT, [*cells, FORM_CHECK])
