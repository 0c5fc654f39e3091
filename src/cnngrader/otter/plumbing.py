"""Otter's own cells in a student notebook, recognised so that grading can leave them out (pure).

``otter assign`` adds ``import otter`` / ``grader = otter.Notebook(...)`` at the top, a
``grader.check("<question>")`` after each question and ``grader.export(...)`` at the end. They
compute nothing a grade depends on; run in the confined child they would import otter (seconds,
when it is installed at all) and fail on files the sandbox does not have. A cell is left out
only when *every* statement in it is such a call with constant arguments, so no student code
is ever skipped: a cell that adds anything of the student's runs as written.
"""

from __future__ import annotations

import ast

from cnngrader.read.syntax import parsed

GRADER = "grader"
GRADER_METHODS = frozenset({"check", "check_all", "export", "to_pdf"})


def is_otter_plumbing(source: str) -> bool:
    """True for a cell made only of Otter's init, check and export calls."""
    tree = parsed(source)
    statements = tree.body if tree is not None else []
    return bool(statements) and all(_is_plumbing(s) for s in statements)


def _is_plumbing(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Import):
        return [a.name for a in statement.names] == ["otter"] and statement.names[0].asname is None
    if isinstance(statement, ast.Assign):
        targets = statement.targets
        return (
            len(targets) == 1
            and isinstance(targets[0], ast.Name)
            and targets[0].id == GRADER
            and _is_call(statement.value, "otter", {"Notebook"})
        )
    if isinstance(statement, ast.Expr):
        return _is_call(statement.value, GRADER, GRADER_METHODS)
    return False


def _is_call(node: ast.expr, owner: str, names: frozenset[str] | set[str]) -> bool:
    """``owner.name(...)`` with literal arguments only."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == owner
        and node.func.attr in names
        and all(_literal(a) for a in [*node.args, *(k.value for k in node.keywords)])
    )


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True
