"""quiz6: every loose but right format gets the point; wrong answers lose their question only, and
no message gives the right answer away."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from graded import Grade

RIGHT = {
    "letters in lower case and with spaces": 'q1 = " c "\nq10 = "b\\n"',
    "q2 as a string": 'q2 = "C"',
    "q2 as a lower-case string": 'q2 = "c"',
    "q2 as a list": 'q2 = ["c"]',
    "q2 as a tuple": 'q2 = ("C",)',
    "q2 as a frozenset": 'q2 = frozenset({"C"})',
    "numbers as floats": "q3 = 84.0\nq5 = 25.0\nq9 = 20001.0",
    "numbers from numpy": "import numpy as np\nq3 = np.int64(84)\nq5 = np.int32(25)\nq9 = np.float64(20001)",
    "numbers as tensors": "import torch\nq3 = torch.tensor(84)\nq9 = torch.tensor(20001.0)",
    "shapes as lists": "q4 = [1, 1, 96, 96]\nq6 = [26, 26]\nq7 = [8, 3, 5, 5]",
    "shapes as torch.Size from real layers": """
import torch
q4 = torch.nn.Conv2d(1, 1, kernel_size=(5, 5))(torch.zeros(1, 1, 100, 100)).shape
q6 = torch.nn.Conv2d(1, 1, 25, stride=3)(torch.zeros(1, 1, 100, 100)).shape[2:]
q7 = torch.nn.Conv2d(3, 8, kernel_size=5).weight.shape
""",
    "q8 as a tensor": "import torch\nq8 = torch.tensor([[7., 9.], [8., 4.]])",
    "q8 as a numpy array": "import numpy as np\nq8 = np.array([[7, 9], [8, 4]])",
    "q8 as tuples": "q8 = ((7, 9), (8, 4))",
}


@pytest.mark.parametrize("code", RIGHT.values(), ids=RIGHT.keys())
def test_right_answers_in_any_accepted_form_get_full_marks(grade_quiz6: Grade, code: str) -> None:
    grade_quiz6(code).assert_full_marks()


@dataclass(frozen=True)
class Wrong:
    question: str
    code: str
    words: tuple[str, ...]
    never: tuple[str, ...]  # spellings of the right answer that must not appear


WRONG = {
    "q1 A": Wrong("q1", 'q1 = "A"', ("q1 = 'A' is not the right answer",), ("'C'", '"C"')),
    "q1 not an option": Wrong("q1", 'q1 = "D"', ("should be one of A, B, C",), ("'C'",)),
    "q1 as a set": Wrong("q1", 'q1 = {"C"}', ("one letter in a string",), ()),
    "q2 with a false statement": Wrong("q2", 'q2 = {"C", "D"}', ("is not the right selection",), ("['C']",)),
    "q2 empty": Wrong("q2", "q2 = set()", ("is not the right selection",), ("['C']",)),
    "q2 with an unknown letter": Wrong("q2", 'q2 = "CF"', ("among A, B, C, D, E",), ()),
    "q3 without the biases": Wrong("q3", "q3 = 81", ("count the biases too",), ("84",)),
    "q3 as a string": Wrong("q3", 'q3 = "84"', ("whole number",), ()),
    "q4 height and width only": Wrong("q4", "q4 = (96, 96)", ("all four dimensions",), ("(1, 1, 96, 96)",)),
    "q4 off by one": Wrong("q4", "q4 = (1, 1, 95, 95)", ("is not the right answer",), ("96",)),
    "q5 the kernel size": Wrong("q5", "q5 = 51", ("kernel_size // 2",), ("25",)),
    "q6 a single number": Wrong("q6", "q6 = 26", ("shape (a tuple, list or torch.Size",), ()),
    "q6 rounded up": Wrong("q6", "q6 = (27, 27)", ("rounded down",), ("26",)),
    "q7 channels first": Wrong("q7", "q7 = (3, 8, 5, 5)", ("(n_kernels, n_channels",), ("(8, 3, 5, 5)",)),
    "q8 averaged": Wrong("q8", "q8 = [[3.75, 4.25], [4.75, 2.5]]", ("not the mean",), ("[[7",)),
    "q8 ragged": Wrong("q8", "q8 = [[7, 9], [8]]", ("rectangular",), ()),
    "q9 without the bias": Wrong("q9", "q9 = 20000", ("count its bias too",), ("20001", "20,001")),
    "q10 A": Wrong("q10", 'q10 = "A"', ("is not the right answer",), ("'B'",)),
}


@pytest.mark.parametrize("wrong", WRONG.values(), ids=WRONG.keys())
def test_a_wrong_answer_loses_its_question_only_without_revealing_it(
    grade_quiz6: Grade, wrong: Wrong
) -> None:
    graded = grade_quiz6(wrong.code)
    graded.assert_only(wrong.question, 1, *wrong.words)
    revealed = [answer for answer in wrong.never if answer in graded.messages(wrong.question)]
    assert not revealed, graded.messages(wrong.question)


def test_unanswered_questions_are_not_attempted(grade_quiz6: Grade) -> None:
    graded = grade_quiz6('q1 = "C"', base=False)
    assert graded.question("q1").score == 1
    assert all(q.outcome.value == "not_attempted" for q in graded.questions if q.id != "q1")
