"""The hidden suites as a whole: they follow the contract, run the same in-kernel and in a judge,
draw the same hidden inputs for the same seed, and stay fast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from graded import COURSE_ROOT, Grade, namespace
from lab6_code import LAB6, QUIZ6

from cnngrader.course import Assignment, Course
from cnngrader.judge.local import LocalSubmission
from cnngrader.judge.session import HiddenSuite, run_once

COURSE = Course.open(COURSE_ROOT)
ASSIGNMENTS = {a: COURSE.assignment(a) for a in COURSE.assignment_ids()}
SUITES = {a.id: COURSE.tests_dir(a.id) for a in ASSIGNMENTS.values()}


def test_files(assignment: Assignment) -> list[Path]:
    return sorted(SUITES[assignment.id].glob("test_*.py"))


test_files.__test__ = False  # type: ignore[attr-defined]


def _marker(decorator: ast.expr, name: str) -> ast.Call | None:
    """``@pytest.mark.<name>(...)`` as a call node, else None."""
    call = decorator if isinstance(decorator, ast.Call) else None
    func = call.func if call is not None else None
    if isinstance(func, ast.Attribute) and func.attr == name and ast.unparse(func.value) == "pytest.mark":
        return call
    return None


def _question_marker(tree: ast.Module) -> object:
    """The literal argument of ``pytestmark = pytest.mark.question(...)``."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["pytestmark"]:
            call = _marker(node.value, "question")
            return ast.literal_eval(call.args[0]) if call is not None else None
    return None


@pytest.mark.parametrize("assignment", ASSIGNMENTS.values(), ids=ASSIGNMENTS.keys())
def test_one_file_per_question_with_its_marker_points_and_names(assignment: Assignment) -> None:
    files = {path.stem.removeprefix("test_"): path for path in test_files(assignment)}
    assert sorted(files) == sorted(q.id for q in assignment.questions)
    for question in assignment.questions:
        tree = ast.parse(files[question.id].read_text(encoding="utf-8"))
        assert _question_marker(tree) == question.id, (
            f"{files[question.id].name}: pytestmark names another question"
        )
        tests = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
        points = []
        for test in tests:
            assert ast.get_docstring(test), f"{question.id}: {test.name} has no docstring (its display name)"
            marks = [m for m in map(lambda d: _marker(d, "points"), test.decorator_list) if m is not None]
            assert len(marks) == 1, f"{question.id}: {test.name} needs exactly one points marker"
            points.append(ast.literal_eval(marks[0].args[0]))
        assert sum(points) == question.points, (
            f"{question.id}: tests sum to {sum(points)}, not {question.points}"
        )
        assert len(tests) >= 1


def test_the_reference_solutions_get_full_marks(grade_lab6: Grade, grade_quiz6: Grade) -> None:
    for graded in (grade_lab6(), grade_quiz6()):
        graded.assert_full_marks()
        assert all(t.outcome.value == "passed" for q in graded.questions for t in q.tests)


def test_in_kernel_run_once_agrees_with_the_judge_session(lab6_suite: HiddenSuite) -> None:
    ns = namespace(LAB6, "linear_in_features = 4096")
    spec = ASSIGNMENTS["lab6"]
    once = run_once(paths=test_files(spec), assignment=spec, submission=LocalSubmission(ns), seed=7)
    assert once == lab6_suite.run(LocalSubmission(ns), seed=7)


def test_a_regrade_with_the_same_seed_draws_the_same_hidden_inputs(grade_lab6: Grade) -> None:
    wrong = "def conv_output_size(input_size, kernel_size, stride=1, padding=0):\n    return input_size\n"
    first, again, other = grade_lab6(wrong, seed=3), grade_lab6(wrong, seed=3), grade_lab6(wrong, seed=4)
    assert first.messages("conv_output_size") == again.messages("conv_output_size")
    assert first.messages("conv_output_size") != other.messages("conv_output_size")


def test_quiz6_reference_is_right(grade_quiz6: Grade) -> None:
    grade_quiz6(QUIZ6, base=False).assert_full_marks()

