"""The ``question`` and ``points`` markers of hidden test files, read without running them.

A hidden test file is the instructor's code, but importing it costs torch's import and more;
commands that only need the assignment's questions (export, an idle rerun, release) read the
markers from the syntax tree instead. What cannot be read statically (a computed marker
argument, a parametrize over a computed list) is reported as unknown here and checked again
once pytest has collected the suite (``judge.session``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cnngrader.errors import CourseError

TEST_GLOB = "test_*.py"


@dataclass(frozen=True)
class TestMarkers:
    """One test function as its markers declare it."""

    __test__ = False  # not a pytest test class

    file: Path
    name: str
    question: str
    points: float | None  # per collected case; None: not known without collecting
    cases: int | None  # how many cases parametrize makes; None: not known without collecting

    @property
    def total(self) -> float | None:
        return None if self.points is None or self.cases is None else self.points * self.cases


def read_suite(folder: Path) -> tuple[TestMarkers, ...]:
    """Every test of every ``test_*.py`` in ``folder``; a CourseError names the first bad file."""
    files = sorted(folder.glob(TEST_GLOB))
    return tuple(test for file in files for test in read_file(file))


def read_file(path: Path) -> list[TestMarkers]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        raise CourseError(f"{path} is not valid Python (line {exc.lineno}: {exc.msg})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path} cannot be read: {exc}") from None
    module_question = _question(_module_marks(tree), path, "the module's pytestmark")
    tests = []
    for function, owner_marks in _test_functions(tree):
        marks = _decorator_marks(function) + owner_marks
        where = f"test {function.name}"
        question = _question(marks, path, where) or module_question
        if question is None:
            raise CourseError(
                f"{path}: {where} has no question marker: add "
                'pytestmark = pytest.mark.question("<grade id>") to the file, '
                "or @pytest.mark.question(...) to the test"
            )
        points = _points(marks, path, where)
        tests.append(TestMarkers(path, function.name, question, points, _cases(marks)))
    return tests


# -- the syntax tree -------------------------------------------------------------------------------

Mark = tuple[str, ast.Call]


def _test_functions(tree: ast.Module) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[Mark]]]:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield node, []
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            owner = _marks(node.decorator_list) + _class_pytestmark(node)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    yield item, owner


def _module_marks(tree: ast.Module) -> list[Mark]:
    marks: list[Mark] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(_is_name(t, "pytestmark") for t in node.targets):
            marks += _marks(_as_list(node.value))
    return marks


def _class_pytestmark(node: ast.ClassDef) -> list[Mark]:
    marks: list[Mark] = []
    for item in node.body:
        if isinstance(item, ast.Assign) and any(_is_name(t, "pytestmark") for t in item.targets):
            marks += _marks(_as_list(item.value))
    return marks


def _decorator_marks(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Mark]:
    return _marks(function.decorator_list)


def _marks(nodes: list[ast.expr]) -> list[Mark]:
    """``pytest.mark.NAME(...)`` / ``mark.NAME(...)`` calls, as (NAME, call)."""
    out: list[Mark] = []
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if _is_name(owner, "mark") or (isinstance(owner, ast.Attribute) and owner.attr == "mark"):
                out.append((node.func.attr, node))
    return out


def _as_list(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, (ast.List, ast.Tuple)) else [node]


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


# -- the markers ------------------------------------------------------------------------------------


def _question(marks: list[Mark], path: Path, where: str) -> str | None:
    for name, call in marks:
        if name == "question":
            value = _literal(call, path, where, "question")
            if not isinstance(value, str) or not value.strip():
                raise CourseError(f"{path}: {where}: question(...) needs the grade id as a string")
            return value
    return None


def _points(marks: list[Mark], path: Path, where: str) -> float | None:
    for name, call in marks:
        if name == "points":
            try:
                value = _literal(call, path, where, "points")
            except _NotLiteral:
                return None
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise CourseError(f"{path}: {where}: points(...) needs a number of points, found {value!r}")
            return float(value)
    raise CourseError(f"{path}: {where} has no points marker: add @pytest.mark.points(<n>)")


def _cases(marks: list[Mark]) -> int | None:
    cases = 1
    for name, call in marks:
        if name != "parametrize":
            continue
        values = call.args[1] if len(call.args) > 1 else _keyword(call, "argvalues")
        if not isinstance(values, (ast.List, ast.Tuple)):
            return None
        cases *= len(values.elts)
    return cases


class _NotLiteral(CourseError):
    pass


def _literal(call: ast.Call, path: Path, where: str, marker: str) -> object:
    if not call.args:
        raise CourseError(f"{path}: {where}: {marker}(...) has no argument")
    try:
        return ast.literal_eval(call.args[0])
    except ValueError:
        if marker == "points":
            raise _NotLiteral(marker) from None
        raise CourseError(f"{path}: {where}: {marker}(...) must be a literal, so that it can be read "
                          "without running the file") from None  # fmt: skip


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)
