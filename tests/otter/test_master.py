"""The master notebook made from the nbgrader source: questions found, answers and checks converted."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import torch
from otter.assign.solutions import replace_solutions
from otterkit import ROOT
from torch import nn

from cnngrader.errors import CourseError
from cnngrader.otter import cells
from cnngrader.otter.course import OtterQuestion, course_questions
from cnngrader.otter.master import QuestionCells, master_notebook, segments


def source(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def questions(assignment: str) -> tuple[OtterQuestion, ...]:
    return course_questions(course_root=ROOT, assignment=assignment)


def released_answers(assignment: str) -> list[str]:
    """nbgrader's own student version of each answer cell (``release/`` is its output)."""
    nb = nbformat.read(ROOT / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def blocks(assignment: str) -> list[QuestionCells]:
    return [s for s in segments(source(assignment), questions(assignment)) if isinstance(s, QuestionCells)]


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_every_question_once_in_course_order_with_the_prose_before_it_as_prompt(assignment: str) -> None:
    found = blocks(assignment)
    assert [b.question.id for b in found] == [q.id for q in questions(assignment)]
    for block in found:
        assert len(block.prompt) == 1 and block.prompt[0].cell_type == "markdown"
        assert len(block.answers) == 1
    assert blocks("lab6")[4].prompt[0].source.startswith("## 5. The lecture's CNN")


def _kept_code(assignment: str) -> list[nbformat.NotebookNode]:
    kept = segments(source(assignment), questions(assignment))
    return [s for s in kept if not isinstance(s, QuestionCells) and s.cell_type == "code"]


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def test_cells_outside_questions_are_kept_in_order() -> None:
    kept = _kept_code("lab6")
    tags = [c.metadata.get("tags", []) for c in kept]
    assert tags == [["setup"], ["demo"], ["demo"], ["demo"], ["demo"], ["setup"], ["setup"], ["setup"]]
    # question 7's variant: the student's id, then the locked cells that draw their layers from it
    assert 'STUDENT_ID = ""' in kept[5].source
    assert [_grade_id(c) for c in kept[5:]] == [None, "variant_draw", "variant_mine"]
    assert sum(len(b.checks) for b in blocks("lab6")) == 8 and not any(b.checks for b in blocks("quiz6"))


def test_the_variant_cells_stay_ahead_of_the_questions_that_use_them_as_written() -> None:
    """quiz6's id and draw come first, each question's show("qN") before its block, its form check last."""
    kept = _kept_code("quiz6")
    assert [_grade_id(c) for c in kept] == [
        None, "variant_draw", "variant_mine", *(f"q{n}_prompt" for n in range(1, 11)), "form_check"
    ]  # fmt: skip
    master = master_notebook(source("quiz6"), questions=questions("quiz6"), config={"name": "x"})
    sources = [c.source for c in master.cells]
    first_question = next(i for i, s in enumerate(sources) if s.startswith("# BEGIN QUESTION"))
    places = [sources.index(c.source) for c in kept[:3]]
    assert places == sorted(places) and places[-1] < first_question
    assert sources.index('show("q2")') < sources.index("# BEGIN QUESTION\nname: q2\npoints: 1")


@pytest.mark.parametrize("assignment", ["lab6", "quiz6"])
def test_students_get_nbgraders_own_stub_once_otter_strips_the_solutions(assignment: str) -> None:
    converted = [cells.answer_source(a.source, where="test") for b in blocks(assignment) for a in b.answers]
    stripped = ["\n".join(replace_solutions(c.split("\n"), "python")) for c in converted]
    assert stripped == released_answers(assignment)


def test_the_autograders_copy_keeps_the_working_solution() -> None:
    answer = cells.answer_source(blocks("lab6")[0].answers[0].source, where="test")
    env: dict[str, object] = {}
    exec(answer, env)
    for n, k, s, p in [(28, 5, 1, 2), (32, 3, 2, 1), (17, 4, 3, 0)]:
        real = nn.Conv2d(1, 1, k, stride=s, padding=p)(torch.zeros(1, 1, n, n)).shape[-1]
        assert env["conv_output_size"](n, k, stride=s, padding=p) == real  # type: ignore[operator]


def _setup_env() -> dict[str, object]:
    env: dict[str, object] = {}
    exec(source("lab6").cells[1].source, env)
    return env


def _test_function(code: str) -> object:
    scope: dict[str, object] = {}
    exec(code, scope)
    return next(v for k, v in scope.items() if k.startswith("test_"))


def test_a_check_cell_becomes_a_test_of_the_names_it_uses_with_its_own_messages() -> None:
    cnn = blocks("lab6")[4]
    code = cells.public_test("cnn", cnn.checks[0].source, index=1)
    names = ("CNN", "first_divergence", "follow_model", "nn", "steps_from_words", "torch", "total_parameters")
    assert code.startswith(f"def test_cnn_check_1({', '.join(names)}):")
    test = _test_function(code)
    env = _setup_env()
    exec(nbformat.read(ROOT / "solutions" / "lab6.ipynb", as_version=4).cells[22].source, env)
    test(**{k: env[k] for k in names})  # type: ignore[operator]

    class Unpadded(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.main = nn.Sequential(
                nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(3, 2, 3), nn.ReLU(),
                nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1058, 1),
            )  # fmt: skip

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.main(x)

    class Frozen(nn.Module):  # the lecture's steps, with the last layer's weights left out of training
        def __init__(self) -> None:
            super().__init__()
            self.main = env["CNN"]().main  # type: ignore[operator]
            self.main[-1].weight.requires_grad_(False)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.main(x)

    step = (
        "step 1: expected conv 1->3 kernel 3 padding 1, found conv 1->3 kernel 3 padding 0 "
        "-> output 3x98x98 instead of 3x100x100. Hint: padding = kernel_size // 2"
    )
    with pytest.raises(AssertionError, match=re.escape(step)):
        test(**{**{k: env[k] for k in names}, "CNN": Unpadded})  # type: ignore[operator]
    counted = "the lecture's CNN has 1,337 trainable parameters, yours 87$"  # 1,337 - 1,250 weights
    with pytest.raises(AssertionError, match=counted):
        test(**{**{k: env[k] for k in names}, "CNN": Frozen})  # type: ignore[operator]


def test_globals_in_a_check_means_the_students_namespace() -> None:
    check = blocks("lab6")[6].checks[0].source
    assert "globals()" in check
    code = cells.public_test("linear_in_features", check, index=1)
    assert "globals()" not in code and code.startswith(
        "def test_linear_in_features_check_1(as_int, env, linear_in_features)"
    )
    test = _test_function(code)
    as_int = _setup_env()["as_int"]
    test(as_int=as_int, env={"linear_in_features": 3600}, linear_in_features=3600)  # type: ignore[operator]
    with pytest.raises(NotImplementedError, match="linear_in_features is not defined yet"):
        test(as_int=as_int, env={}, linear_in_features=None)  # type: ignore[operator]
    with pytest.raises(AssertionError, match=r"linear_in_features should be a whole number, found 3600\.5"):
        test(as_int=as_int, env={"linear_in_features": 3600.5}, linear_in_features=3600.5)  # type: ignore[operator]


def test_the_defined_test_asks_for_the_answers_not_the_solutions_working_names() -> None:
    """quiz6's solutions compute from the drawn numbers through ``_n``, ``_k``; students type ``q1 = "C"``."""
    asked = {q.id: q.names for q in questions("quiz6")}
    assert asked == {f"q{n}": (f"q{n}",) for n in range(1, 11)}
    assert questions("lab6")[3].names == ("conv2d_param_count", "linear_param_count")
    defined = _test_function(cells.defined_test("q1", asked["q1"]))
    defined(env={"q1": "C", "STUDENT_ID": "s1234567"})  # type: ignore[operator]


def test_the_defined_test_names_what_is_missing_and_the_hidden_test_never_passes() -> None:
    defined = _test_function(cells.defined_test("fcnn_vs_convnet", ("FCNN", "ConvNet")))
    defined(env={"FCNN": object, "ConvNet": object})  # type: ignore[operator]
    with pytest.raises(AssertionError, match="ConvNet is not defined yet"):
        defined(env={"FCNN": object})  # type: ignore[operator]
    hidden = _test_function(cells.hidden_test("cnn"))
    with pytest.raises(AssertionError, match="needs its cnngrader plugin"):
        hidden(env={"CNN": object})  # type: ignore[operator]


def test_the_master_notebook_is_otters_block_syntax_around_each_question() -> None:
    master = master_notebook(source("quiz6"), questions=questions("quiz6"), config={"name": "x"})
    raw = [c.source.splitlines()[0] for c in master.cells if c.cell_type == "raw"]
    assert raw[0] == "# ASSIGNMENT CONFIG"
    one = [
        "# BEGIN QUESTION",
        "# BEGIN SOLUTION",
        "# END SOLUTION",
        "# BEGIN TESTS",
        "# END TESTS",
        "# END QUESTION",
    ]
    assert raw[1:] == one * 10
    assert not any("BEGIN HIDDEN TESTS" in c.source or "grade_question" in c.source for c in master.cells)
    assert master.metadata["kernelspec"]["language"] == "python"


def _grade_cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("drop_grade_cell", "no autograded cell for q3"),
        ("points", "'q2' is worth 3 points in the notebook but 1 in the course"),
        ("markdown_between", "only code cells may stand between an answer and its grade cell"),
        ("written_answer", "graded by hand"),
        ("unknown_question", "'q11' is not a question of this assignment"),
    ],
)
def test_a_source_notebook_the_course_does_not_describe_is_refused(change: str, message: str) -> None:
    nb = copy.deepcopy(source("quiz6"))
    if change == "drop_grade_cell":
        nb.cells.remove(_grade_cell(nb, "q3"))
        nb.cells.remove(
            next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q3_answer")
        )
    elif change == "points":
        _grade_cell(nb, "q2").metadata["nbgrader"]["points"] = 3
    elif change == "markdown_between":  # a hint after q1's answer, before its grade cell
        grade = nb.cells.index(_grade_cell(nb, "q1"))
        assert nb.cells[grade - 1].metadata["nbgrader"].get("solution")
        nb.cells.insert(grade, nbformat.v4.new_markdown_cell("a hint"))
    elif change == "written_answer":
        nb.cells.append(nbformat.v4.new_markdown_cell("why?", metadata={"nbgrader": {"solution": True}}))
    else:
        _grade_cell(nb, "q10").metadata["nbgrader"]["grade_id"] = "q11"
    with pytest.raises(CourseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        segments(nb, questions("quiz6"))


@pytest.mark.parametrize("text", ["### BEGIN SOLUTION\nx = 1\n", "x = 1\n### END SOLUTION\n"])
def test_unbalanced_solution_markers_are_refused(text: str) -> None:
    with pytest.raises(CourseError, match="SOLUTION"):
        cells.answer_source(text, where="cell 3")


def test_free_names_leave_out_what_the_check_binds_and_builtins() -> None:
    import ast

    code = "import numpy as np\nfor i in range(3):\n    y = f(i) + np.pi\nassert all(z for z in [y]), g\n"
    assert cells.free_names(ast.parse(code)) == ["f", "g"]


def test_course_files_names_what_is_missing(tmp_path: Path) -> None:
    from cnngrader.otter.course import course_files

    (tmp_path / "nbgrader_config.py").write_text("")
    with pytest.raises(CourseError, match=r"has no autograder/"):
        course_files(course_root=tmp_path, assignment="lab6")
    for part in ("source/lab6", "autograder/lab6"):
        shutil.copytree(ROOT / part, tmp_path / part)
    missing = r"no release/lab6/lab6\.ipynb for 'lab6'; run `cnngrader release lab6`"
    with pytest.raises(CourseError, match=missing):
        course_files(course_root=tmp_path, assignment="lab6")
