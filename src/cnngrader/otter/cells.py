"""Cells of an Otter master notebook, made from the cells of an nbgrader source notebook.

nbgrader marks an answer with ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and gives students
``# YOUR CODE HERE`` / ``raise NotImplementedError()`` in its place; Otter's own markers are
``# BEGIN SOLUTION`` and an in-code ``# BEGIN PROMPT`` string that only students keep. Students
of both get the same stub, so a question left alone is *not attempted* for cnngrader either way.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import textwrap
from collections.abc import Iterable

import nbformat
from nbformat import NotebookNode

from cnngrader.errors import CourseError

NBGRADER_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
BEGIN_SOLUTION = re.compile(r"^(\s*)#+\s*BEGIN SOLUTION\s*$")
END_SOLUTION = re.compile(r"^(\s*)#+\s*END SOLUTION\s*$")
ENV = "env"  # the parameter through which Otter hands a test the student's globals
BUILTINS = frozenset(dir(builtins))


def raw(text: str) -> NotebookNode:
    cell: NotebookNode = nbformat.v4.new_raw_cell(text)
    return cell


def config_cell(config: dict[str, object]) -> NotebookNode:
    """Otter's ``# ASSIGNMENT CONFIG`` cell; JSON is YAML, and needs no YAML writer."""
    return raw("# ASSIGNMENT CONFIG\n" + json.dumps(config, indent=2))


def question_cell(question_id: str, points: float) -> NotebookNode:
    return raw(f"# BEGIN QUESTION\nname: {question_id}\npoints: {points:g}")


def answer_source(source: str, *, where: str) -> str:
    """An nbgrader answer cell in Otter's syntax: the solution for the autograder, the stub for students."""
    out: list[str] = []
    inside = False
    for line in source.splitlines():
        if begin := BEGIN_SOLUTION.match(line):
            if inside:
                raise CourseError(f"{where}: BEGIN SOLUTION inside another solution region")
            out += _prompt(begin.group(1))
            inside = True
        elif end := END_SOLUTION.match(line):
            if not inside:
                raise CourseError(f"{where}: END SOLUTION without BEGIN SOLUTION")
            out.append(f"{end.group(1)}# END SOLUTION")
            inside = False
        else:
            out.append(line)
    if inside:
        raise CourseError(f"{where}: BEGIN SOLUTION without END SOLUTION")
    return "\n".join(out)


def _prompt(indent: str) -> list[str]:
    # The prompt is a string statement in the autograder's notebook; Otter drops the two marker
    # lines from the students' copy, which leaves nbgrader's stub at the solution's indentation.
    return [
        f'{indent}""" # BEGIN PROMPT',
        *(f"{indent}{line}" for line in NBGRADER_STUB),
        f'{indent}"""; # END PROMPT',
        f"{indent}# BEGIN SOLUTION NO PROMPT",
    ]


def test_cell(function_source: str, *, hidden: bool, points: float | None = None) -> NotebookNode:
    """An exception-based Otter test cell: a config header, then one test function."""
    header = [f"hidden: {str(hidden).lower()}"] + ([f"points: {points:g}"] if points is not None else [])
    config = '""" # BEGIN TEST CONFIG\n' + "\n".join(header) + '\n""" # END TEST CONFIG\n'
    cell: NotebookNode = nbformat.v4.new_code_cell(config + function_source)
    return cell


def defined_test(question_id: str, names: Iterable[str]) -> str:
    """A public test: every name the question asks for is defined."""
    listed = ", ".join(repr(n) for n in names)
    return (
        f"def test_{question_id}_defined({ENV}):\n"
        f"    for name in ({listed},):\n"
        f'        assert name in {ENV}, f"{{name}} is not defined yet: run the cell where you define it"\n'
    )


def public_test(question_id: str, check_source: str, *, index: int) -> str:
    """A "check your answer" cell as a test function that receives the names it uses.

    Otter calls an exception-based test with the student's value for each parameter name, and
    their whole namespace for ``env``; ``globals()`` in a check means that namespace.
    """
    try:
        tree = _GlobalsToEnv().visit(ast.parse(check_source))
    except SyntaxError as exc:
        raise CourseError(f"the check cell of {question_id!r} is not valid Python: {exc}") from None
    body = ast.unparse(tree) or "pass"
    params = ", ".join(free_names(tree))
    return f"def test_{question_id}_check_{index}({params}):\n{textwrap.indent(body, '    ')}\n"


def hidden_test(question_id: str) -> str:
    """The hidden test Otter sees: it fails unless cnngrader's plugin replaces its result.

    Without the plugin (an autograder built by hand, a plugin that failed to load) nobody gets
    the question's points for free.
    """
    message = (
        f"the hidden tests of {question_id!r} run in cnngrader's confined engine; "
        "this autograder needs its cnngrader plugin"
    )
    return f"def test_{question_id}_hidden({ENV}):\n    raise AssertionError({message!r})\n"


def free_names(tree: ast.AST) -> list[str]:
    """Names a piece of code reads but never binds, builtins aside, sorted."""
    bound: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return sorted(loaded - bound - BUILTINS)


class _GlobalsToEnv(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "globals" and not node.args:
            return ast.copy_location(ast.Name(id=ENV, ctx=ast.Load()), node)
        return node
