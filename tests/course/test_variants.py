"""Per-student variants: the engine's hook (``autograder/<id>/variant.py``) and quiz6's bank.

quiz6's numbers are drawn by ``autograder/quiz6/_quiz6_draw.py`` (the code the notebook shows) and
its answers are computed by torch in ``_quiz6_reference.py``; these tests hold the bank to the
issue's rules: the canonical variant is the contract's table, a variant is stable, no drawn answer
is a figure printed in the lecture or the lab, and the notebook shows students exactly the prompts
that TAs and feedback show.
"""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from coursekit import write_course

from cnngrader.course import Course
from cnngrader.course.students import ENV_VAR
from cnngrader.course.variants import VariantHook, variant_for, variant_hook
from cnngrader.errors import CourseError, UsageError

from .conftest import REPO, release_nb, source_nb

COURSE = Course.open(REPO)
QUIZ = REPO / "autograder" / "quiz6"
STUDENTS = [f"s{n:07d}" for n in range(1_000_000, 1_000_300)] + ["ada", "Zoë", "ada lovelace", "x@y.z"]

# Every figure the lecture prints (its parameter counts, sizes, paddings, example grids' values),
# and today's quiz6 answers; the lab's are read from its notebook below.
LECTURE = {
    2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 17, 19, 22, 25, 26, 27, 28, 30, 32, 33, 38, 50, 51, 56,
    64, 73, 81, 84, 96, 100, 128, 256, 528, 1250, 1251, 1337, 1536, 2012, 2080, 8256, 16384, 20000,
    20001, 20087, 32896, 49152, 49519, 4194560, 4238337,
}  # fmt: skip
PRINTED_GRIDS = (
    [[7, 9], [8, 4]], [[12, 12, 17], [10, 17, 19], [9, 6, 14]], [[6, 17, 3], [8, 17, 13], [6, 4, 4]],
    [[1, 3, 2, 9], [7, 4, 1, 5], [8, 5, 2, 3], [4, 2, 1, 4]],
)  # fmt: skip
PRINTED_SHAPES = {(8, 3, 5, 5), (1, 1, 96, 96), (1, 3, 100, 100), (1, 2, 100, 100), (16, 8, 3, 3)}


def printed_figures() -> set[int]:
    """The lecture's figures and every whole number the lab notebook shows (but the ranges its own
    drawing code draws from: those are not figures)."""
    drawing = ("variant_draw", "variant_mine")
    cells = source_nb("lab6").cells
    lab = "\n".join(c.source for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") not in drawing)
    return LECTURE | {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\d|\d", lab)} | {3600}


PRINTED = printed_figures()


@contextlib.contextmanager
def quiz_modules() -> Iterator[tuple[Any, Any]]:
    """``_quiz6_draw`` and ``_quiz6_reference`` as the hidden tests import them."""
    sys.path.insert(0, str(QUIZ))
    try:
        import _quiz6_draw
        import _quiz6_reference

        yield _quiz6_draw, _quiz6_reference
    finally:
        sys.path.remove(str(QUIZ))


@pytest.fixture(scope="module")
def hook() -> VariantHook:
    found = variant_hook(COURSE, "quiz6")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def answers(hook: VariantHook) -> dict[str | None, dict[str, Any]]:
    """Each student's answers, as the values a TA types from ``cnngrader variant``."""
    torch.set_num_threads(1)
    return {s: {q.id: ast.literal_eval(q.answer) for q in hook(s).questions} for s in [None, *STUDENTS]}


def test_the_canonical_variant_is_the_contracts_table(answers: dict[str | None, dict[str, Any]]) -> None:
    assert answers[None] == {
        "q1": "C", "q2": {"C"}, "q3": 84, "q4": (1, 1, 96, 96), "q5": 25, "q6": (26, 26),
        "q7": (8, 3, 5, 5), "q8": [[7, 9], [8, 4]], "q9": 20001, "q10": "B",
    }  # fmt: skip


def test_the_canonical_prompts_ask_the_contracts_questions(hook: VariantHook) -> None:
    prompts = hook(None).prompts()
    assert "3×3 filter" in prompts["q1"] and "4×4 input" in prompts["q1"]
    assert "nn.Conv2d(3, 3, kernel_size=(3, 3))" in prompts["q3"]
    assert "(1, 1, 100, 100)" in prompts["q4"] and "51×51" in prompts["q5"] and "stride 3" in prompts["q6"]
    assert "nn.Conv2d(3, 8, kernel_size=5)" in prompts["q7"] and "[7, 4, 1, 5]" in prompts["q8"]
    assert "batch, channels, height, width" in prompts["q10"]


def test_a_students_variant_is_theirs_and_stable(hook: VariantHook) -> None:
    assert hook("ada") == hook("ada")
    assert hook(" ADA ").questions == hook("ada").questions  # an id in another case is the same student
    assert hook("ada").questions != hook("adb").questions
    # Another interpreter (another hash seed) draws the same numbers.
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from variant import variant; "
        "print(json.dumps(variant('ada')))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(QUIZ)], capture_output=True, text=True, check=True)
    assert [tuple(q) for q in json.loads(done.stdout)] == [
        (q.id, q.prompt, q.answer) for q in hook("ada").questions
    ]


def test_students_get_different_numbers(answers: dict[str | None, dict[str, Any]]) -> None:
    for question in answers[None]:
        if question in ("q1", "q2", "q10"):
            continue  # a letter: four options at most
        values = [repr(answers[s][question]) for s in STUDENTS]
        most = max(values.count(v) for v in values)
        assert most < 0.05 * len(values), f"{question}: {most} of {len(values)} students share an answer"


def test_the_right_letter_moves_between_students(answers: dict[str | None, dict[str, Any]]) -> None:
    for question in ("q1", "q10"):
        letters = [answers[s][question] for s in STUDENTS]
        assert all(letter in letters for letter in "ABCD"), question
        assert max(letters.count(letter) for letter in "ABCD") < 0.4 * len(letters), question
    assert len({frozenset(answers[s]["q2"]) for s in STUDENTS}) >= 12


def numbers_of(question: str, answer: Any) -> list[int]:
    """The figures an answer computes (not those the prompt gives: the batch, channels)."""
    if question in ("q3", "q5", "q9"):
        return [answer]
    if question == "q4":
        return list(answer[2:])
    if question == "q6":
        return list(answer)
    return []


def test_no_drawn_answer_is_a_figure_printed_in_the_lecture_or_the_lab(
    answers: dict[str | None, dict[str, Any]],
) -> None:
    for student in STUDENTS:
        mine = answers[student]
        for question, answer in mine.items():
            printed = [n for n in numbers_of(question, answer) if n in PRINTED]
            assert not printed, f"{student} {question}: {answer} is printed in the lecture or the lab"
        assert tuple(mine["q7"]) not in PRINTED_SHAPES and tuple(mine["q4"]) not in PRINTED_SHAPES
        assert mine["q8"] not in PRINTED_GRIDS


def test_no_answer_in_the_whole_range_of_a_draw_is_printed() -> None:
    """Beyond the students sampled: every layer, image and kernel the draws can give (their ranges are
    checked against many draws first, so that widening a range makes this fail)."""
    with quiz_modules() as (draw, ref):
        drawn = [draw.draw(s) for s in STUDENTS]
        assert {(p["q3"]["in_channels"], p["q3"]["out_channels"]) for p in drawn} <= set(
            itertools.product(range(3, 10), range(41, 50))
        )
        assert all(2 <= k <= 7 for p in drawn for k in p["q3"]["kernel_size"])
        for i, o, kh, kw in itertools.product(range(3, 10), range(41, 50), range(2, 8), range(2, 8)):
            params = {"in_channels": i, "out_channels": o, "kernel_size": (kh, kw)}
            assert ref.q3_answer(params) not in PRINTED, params
        assert all(137 <= d <= 230 for p in drawn for d in p["q4"]["input"][2:])
        assert all(3 <= p["q4"]["kernel_size"] <= 9 for p in drawn)
        for size, kernel in itertools.product(range(137, 231), range(3, 10)):
            (h,) = ref.conv_shape((1, 1, size, 1), (1, 1, kernel, 1))[2:3]
            assert h not in PRINTED, (size, kernel)
        for kernel in draw.Q5_KERNELS:
            assert ref.q5_answer({"size": kernel + 10, "kernel": kernel}) not in PRINTED, kernel
        ranges = {2: range(275, 471), 3: range(400, 701)}
        assert all(min(p["q6"]["size"]) in ranges[p["q6"]["stride"]] for p in drawn)
        assert all(max(p["q6"]["size"]) in ranges[p["q6"]["stride"]] for p in drawn)
        assert all(5 <= p["q6"]["kernel"] <= 15 for p in drawn)
        for stride, sizes in ranges.items():
            for size, kernel in itertools.product(sizes, range(5, 16)):
                (h,) = ref.conv_shape((1, 1, size, 1), (1, 1, kernel, 1), stride=stride)[2:3]
                assert h not in PRINTED, (size, kernel, stride)


def q9_sizes(size: int, convs: tuple[tuple[int, int], ...]) -> int:
    for kernel, padding in convs:
        size = size + 2 * padding - kernel + 1
    return size


def test_no_answer_of_the_cnn_question_is_printed() -> None:
    """q9 over its whole range: the final layer's count follows from the size after the convolutions
    (torch confirms the arithmetic on every student sampled)."""
    with quiz_modules() as (draw, ref):
        drawn = [draw.draw(s)["q9"] for s in STUDENTS]
        for p in drawn:
            convs = tuple((k, pad) for _, _, k, pad in p["convs"])
            _, height, width = p["image"]
            c2 = p["convs"][1][1]
            assert 4 <= c2 <= 8 and 2 <= p["outputs"] <= 9
            assert 30 <= min(height, width) <= max(height, width) <= 80
            expected = p["outputs"] * (c2 * q9_sizes(height, convs) * q9_sizes(width, convs) + 1)
            assert ref.q9_answer(p) == expected
        conv_choices = [(k, pad) for k in (3, 5) for pad in range(k // 2 + 1)]
        shrinks = {q9_sizes(0, convs) for convs in itertools.product(conv_choices, repeat=2)}
        for shrink, h, w, c2, outputs in itertools.product(
            shrinks, range(30, 81), range(30, 81), range(4, 9), range(2, 10)
        ):
            answer = outputs * (c2 * (h + shrink) * (w + shrink) + 1)
            assert answer not in PRINTED, (shrink, h, w, c2, outputs)


def test_every_multiple_choice_has_exactly_one_right_option() -> None:
    with quiz_modules() as (draw, ref):
        for student in STUDENTS:
            mine = draw.draw(student)
            assert ref.q1_answer(mine["q1"]) in "ABCD" and ref.q10_answer(mine["q10"]) in "ABCD"
            assert len(mine["q2"]["statements"]) == 5
            assert len({s["kind"] for s in mine["q2"]["statements"]}) == 5


def test_each_letter_has_a_meaning_that_does_not_depend_on_the_student(hook: VariantHook) -> None:
    """What an item analysis counts by (``option_meaning``): the same option, whatever its letter."""
    from cnngrader.course.variants import option_meaning

    meaning = option_meaning(course=COURSE, assignment="quiz6")
    assert meaning is not None
    canonical = hook.options(None)
    assert canonical["q1"] == {"A": "the input's size", "B": "n-k+2", "C": "n-k+1"}
    assert canonical["q10"]["B"] == "batch, channels, height, width"
    assert canonical["q2"]["C"] == "weight_dims (true)"
    seen: dict[str, set[str]] = {"q1": set(), "q10": set()}
    for student in STUDENTS[:60]:
        record = type("Record", (), {"student": student})()
        for question in seen:
            right = ast.literal_eval(next(q.answer for q in hook(student).questions if q.id == question))
            seen[question].add(meaning(record, question, right.lower()))
    assert seen == {"q1": {"n-k+1"}, "q10": {"batch, channels, height, width"}}
    assert meaning(type("Record", (), {"student": None})(), "q3", "A") == "A"  # not multiple choice


def test_a_letter_maps_to_its_option() -> None:
    """What an item analysis needs: the meaning of the letter a student chose."""
    with quiz_modules() as (draw, ref):
        assert ref.option_meaning(None, "q1", "c") == (2, 2)
        assert ref.option_meaning(None, "q10", "B") == ("batch", "channels", "height", "width")
        assert ref.option_meaning(None, "q2", "C")["kind"] == "weight_dims"
        assert ref.option_meaning(None, "q1", "D") is None and ref.option_meaning(None, "q1", "AB") is None
        ada = draw.draw("ada")["q10"]
        right = ref.q10_answer(ada)
        assert ref.option_meaning("ada", "q10", right) == (ada["batch"], 3, *ada["size"])


# -- what students see ----------------------------------------------------------------------------


def cell(nb: Any, grade_id: str) -> Any:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.mark.parametrize("nb", [source_nb("quiz6"), release_nb("quiz6")], ids=["source", "release"])
def test_the_notebook_draws_with_the_courses_own_code(nb: Any) -> None:
    assert cell(nb, "variant_draw").source == (QUIZ / "_quiz6_draw.py").read_text().rstrip("\n")


def run_visible_cells(student_env: dict[str, str], stated: str = "") -> dict[str, str]:
    """Run the released notebook's setup and prompt cells as a kernel would; what each prompt cell prints."""
    nb = release_nb("quiz6")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    shown: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as mp:
        for name in (ENV_VAR, "JUPYTERHUB_USER", "NBGRADER_EXECUTION"):
            mp.delenv(name, raising=False)
        for name, value in student_env.items():
            mp.setenv(name, value)
        for c in nb.cells:
            grade_id = c.metadata.get("nbgrader", {}).get("grade_id", "")
            if "setup" not in c.metadata.get("tags", []) and not grade_id.endswith("_prompt"):
                continue
            source = c.source.replace('STUDENT_ID = ""', f"STUDENT_ID = {stated!r}")
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(source, grade_id or "cell", "exec"), namespace)
            shown[grade_id.removesuffix("_prompt") or c.id] = out.getvalue()
    return shown


@pytest.mark.parametrize(
    ("env", "stated", "student"),
    [
        ({}, "", None),
        ({}, "ada", "ada"),
        ({"JUPYTERHUB_USER": "ada"}, "", "ada"),
        ({"JUPYTERHUB_USER": "bob"}, "ada", "ada"),  # what the student typed wins over the hub's name
        ({ENV_VAR: "ada"}, "bob", "ada"),  # while cnngrader grades: the folder's student
        ({ENV_VAR: ""}, "bob", None),
    ],
)
def test_the_notebook_shows_the_prompts_the_grader_shows(
    hook: VariantHook, env: dict[str, str], stated: str, student: str | None
) -> None:
    shown = run_visible_cells(env, stated)
    for question in hook(student).questions:
        assert shown[question.id] == question.prompt + "\n"
    said = shown["variant_mine"]
    assert (repr(student) in said) if student else ("practice" in said)


def test_the_notebook_prints_no_answer(hook: VariantHook) -> None:
    for student in STUDENTS[:40]:
        shown = run_visible_cells({ENV_VAR: student})
        printed = "\n".join(shown.values())
        for question in hook(student).questions:
            value = ast.literal_eval(question.answer)
            if question.id in ("q3", "q5", "q9"):
                assert not re.search(rf"\b{value}\b", shown[question.id]), (student, question.id, value)
            elif question.id in ("q4", "q6", "q7", "q8"):
                assert question.answer not in printed and str(value) not in printed, (student, question.id)


# -- the engine's hook ---------------------------------------------------------------------------------

TESTS = {
    "test_a.py": """
        import pytest

        @pytest.mark.question("a")
        @pytest.mark.points(1)
        def test_a(sub, student):
            assert sub.value("a") == len(student or ""), "a is not the length of your id"
    """
}


def hooked(tmp_path: Path, variant_py: str) -> Course:
    course = write_course(tmp_path / "course", assignment="hw1", questions={"a": 1}, tests=TESTS)
    (course.tests_dir("hw1") / "variant.py").write_text(variant_py)
    return course


def test_a_course_without_the_hook_has_no_variants(tmp_path: Path) -> None:
    course = write_course(tmp_path / "course", assignment="hw1", questions={"a": 1}, tests=TESTS)
    assert variant_hook(course, "hw1") is None
    with pytest.raises(UsageError, match="same questions"):
        variant_for(course=course, assignment="hw1", student="ada")


def test_the_hook_may_import_its_helpers(tmp_path: Path) -> None:
    hook_py = "from _helper import size\n\n\ndef variant(s):\n    return [('a', 'len?', str(size(s)))]\n"
    course = hooked(tmp_path, hook_py)
    (course.tests_dir("hw1") / "_helper.py").write_text("def size(s):\n    return len(s or '')\n")
    variant = variant_for(course=course, assignment="hw1", student="ada")
    assert variant.to_dict() == {"assignment": "hw1", "student": "ada",
                                 "questions": [{"id": "a", "prompt": "len?", "answer": "3"}]}  # fmt: skip


@pytest.mark.parametrize(
    ("variant_py", "words"),
    [
        ("x = 1\n", "should define a function variant(student)"),
        ("raise ImportError('nope')\n", "could not be imported"),
        ("def variant(student):\n    return [('b', 'p', '1')]\n", "gives question 'b'"),
        ("def variant(student):\n    return [('a', 'p', 'torch.Size([1])')]\n", "Python literal"),
        ("def variant(student):\n    return ['a']\n", "(id, prompt, answer)"),
        ("def variant(student):\n    return 1 / 0\n", "ZeroDivisionError"),
    ],
)
def test_a_broken_hook_is_the_courses_error_naming_its_file(
    tmp_path: Path, variant_py: str, words: str
) -> None:
    course = hooked(tmp_path, variant_py)
    with pytest.raises(CourseError, match=re.escape(words)) as caught:
        variant_for(course=course, assignment="hw1", student="ada")
    assert "variant.py" in str(caught.value)


# -- lab6: question 7 draws its layers per student ------------------------------------------------

LAB = REPO / "autograder" / "lab6"


@pytest.fixture(scope="module")
def lab_hook() -> VariantHook:
    found = variant_hook(COURSE, "lab6")
    assert found is not None
    return found


def test_only_the_labs_fixed_answer_varies_and_its_canonical_answer_is_the_contracts(
    lab_hook: VariantHook,
) -> None:
    (question,) = lab_hook(None).questions
    assert (question.id, question.answer) == ("linear_in_features", "3600")
    assert "nn.Conv2d(3, 8, 5) → nn.MaxPool2d(2) → nn.Conv2d(8, 16, 3, padding=1)" in question.prompt
    assert "3×64×64" in question.prompt


def test_students_get_their_own_stack(lab_hook: VariantHook) -> None:
    answers = [lab_hook(s).questions[0].answer for s in STUDENTS]
    most = max(answers.count(a) for a in answers)
    assert most < 0.05 * len(answers) and "3600" not in answers


def test_no_stack_in_the_whole_range_gives_a_printed_figure() -> None:
    sys.path.insert(0, str(LAB))
    try:
        import _lab6_draw
        import _lab6_stack
    finally:
        sys.path.remove(str(LAB))
    channels = (14, 17, 19, 21, 22, 23, 27, 28, 29, 31)
    for student in STUDENTS:
        p = _lab6_draw.draw(student)
        (c0, height, width), (_, c1, k1), (_, c2, k2, p2) = p["image"], p["conv1"], p["conv2"]
        assert c0 in (1, 3) and 40 <= min(height, width) <= max(height, width) <= 120 and 4 <= c1 <= 16
        assert k1 in (3, 5, 7) and k2 in (3, 5) and 0 <= p2 <= k2 // 2 and c2 in channels
        sizes = [((n - k1 + 1) // 2 + 2 * p2 - k2 + 1) // 2 for n in (height, width)]
        assert _lab6_stack.linear_in_features(p) == c2 * sizes[0] * sizes[1]  # torch agrees
    for k1, k2 in itertools.product((3, 5, 7), (3, 5)):
        for p2 in range(k2 // 2 + 1):
            last = {((n - k1 + 1) // 2 + 2 * p2 - k2 + 1) // 2 for n in range(40, 121)}
            for h, w, c2 in itertools.product(last, last, channels):
                assert c2 * h * w not in PRINTED, (k1, k2, p2, h, w, c2)


@pytest.mark.parametrize("nb", [source_nb("lab6"), release_nb("lab6")], ids=["source", "release"])
def test_the_lab_draws_with_the_courses_own_code(nb: Any) -> None:
    assert cell(nb, "variant_draw").source == (LAB / "_lab6_draw.py").read_text().rstrip("\n")


def test_the_lab_shows_the_stack_the_grader_shows_and_not_its_answer(lab_hook: VariantHook) -> None:
    nb = release_nb("lab6")
    wanted = ("variant_draw", "variant_mine")
    cells = [
        c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") in wanted or c.source.startswith("# Your student")
    ]
    assert len(cells) == 3
    for student in ["ada", *STUDENTS[:20]]:
        namespace: dict[str, Any] = {}
        out = io.StringIO()
        with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
            mp.setenv(ENV_VAR, student)
            for source in cells:
                exec(compile(source, "cell", "exec"), namespace)
        (question,) = lab_hook(student).questions
        assert question.prompt in out.getvalue() and repr(student) in out.getvalue()
        assert not re.search(rf"\b{question.answer}\b", out.getvalue())
