"""Which of a submission's cells a grade need not run: the course's own demo cells, left unchanged.

A cell the course tags ``demo`` shows the student something (a photo filtered by their
convolution, a summary table, feature maps) and grades nothing, yet it can cost more than all the
answers together. A grade skips such a cell when three things hold, all read from the code on the
trusted side (a student's tags play no part):

- the submitted cell is, character for character, a ``demo`` cell of the course's own notebook
  (a cell the student changed runs, since it may hold their work);
- no cell that does run after it uses a name it binds (a later cell that needs its photo or its
  ``model`` keeps it, and then the demo cells that this one needs in turn);
- it binds none of the names the questions define (what the hidden tests read).

What a demo cell does besides binding names (drawing random numbers, printing) is not kept: the
hidden tests build their own models with their own seeds, so no grade depends on it.

The course's public checks (read-only cells that are not ``setup``) grade nothing either, but a
failing one tells the student and the TAs what is wrong. An unchanged check that reads the names
of some questions, and that the same rules let go, is left out of the run and run after the
hidden tests, in the same child, only if one of those questions lost points: where they all
earned their points, the check accepts what the tests accepted (the course's authoring rule), and
running it would only say so again.
"""

from __future__ import annotations

import ast
import functools
import symtable
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from cnngrader.read.notebook import CodeCell
from cnngrader.read.syntax import CACHED_CHARS, parsed

LEFT_OUT = "not run by the grader: "
WHY = LEFT_OUT + "a demo cell of the course, unchanged, that grades nothing"
CHECK_WHY = LEFT_OUT + "a public check of the course, unchanged, whose questions earned all their points"


@dataclass(frozen=True)
class CourseCells:
    """The code of the cells of the course's own notebook that grade nothing."""

    demos: frozenset[str] = frozenset()
    checks: frozenset[str] = frozenset()

    @classmethod
    def of(cls, cells: Sequence[CodeCell]) -> CourseCells:
        return cls(demo_sources(cells), check_sources(cells))


@dataclass(frozen=True)
class Plan:
    """The cells of a submission left out of its run: demo cells, and public checks for later.

    ``checks`` maps each such check to the questions whose names it reads; ``needs``, to the
    earlier ones among them that bind a name it reads (they run with it).
    """

    demos: frozenset[int] = frozenset()
    checks: Mapping[int, frozenset[str]] = field(default_factory=dict)
    needs: Mapping[int, frozenset[int]] = field(default_factory=dict)

    def skip(self) -> dict[int, str]:
        """Why each left-out cell is not run (as its report will say, unless it runs later)."""
        return {**dict.fromkeys(self.demos, WHY), **dict.fromkeys(self.checks, CHECK_WHY)}

    def later(self, lost: Iterable[str]) -> list[int]:
        """The checks to run after the hidden tests: those of a question in ``lost``."""
        lost = frozenset(lost)
        chosen = {i for i, questions in self.checks.items() if questions & lost}
        return sorted(chosen.union(*(self.needs.get(i, frozenset()) for i in chosen)))

    def shifted(self, by: int) -> Plan:
        """The same plan for the cells with ``by`` cells run before them."""
        return Plan(frozenset(i + by for i in self.demos), {i + by: q for i, q in self.checks.items()},
                    {i + by: frozenset(j + by for j in js) for i, js in self.needs.items()})  # fmt: skip


def plan(sources: Sequence[str], course: CourseCells, questions: Mapping[str, Collection[str]]) -> Plan:
    """Which of ``sources`` (a submission's code cells) a grade leaves out of its run.

    ``questions``: each question's id and the names it defines (what the hidden tests read).
    """
    keep = {name for names in questions.values() for name in names}
    demos = skippable(sources, course.demos, keep)
    asking = frozenset(s for s in course.checks if questions_read(s, questions))
    later = sorted(skippable(sources, asking, keep, left_out=demos))
    needs: dict[int, frozenset[int]] = {}
    for i in later:  # a check may read what an earlier one binds (all of them parse: they were let go)
        direct = {j for j in later if j < i and _bound(sources[j]) & _used(sources[i])}
        needs[i] = frozenset(direct.union(*(needs[j] for j in direct)))
    return Plan(demos, {i: questions_read(sources[i], questions) for i in later}, needs)


def _bound(source: str) -> frozenset[str]:
    names = _names(source)
    return names.bound if names is not None else frozenset()


def _used(source: str) -> frozenset[str]:
    names = _names(source)
    return names.used if names is not None else frozenset()


@dataclass(frozen=True)
class _Names:
    bound: frozenset[str]
    used: frozenset[str]


def demo_sources(cells: Sequence[CodeCell]) -> frozenset[str]:
    """The code of the cells tagged ``demo`` in the course's own notebook."""
    return frozenset(c.source.strip() for c in cells if c.demo)


def skippable(
    sources: Sequence[str], demos: Collection[str], keep: Collection[str] = (), left_out: Collection[int] = ()
) -> frozenset[int]:
    """Indexes of ``sources`` (a submission's code cells, in order) that a grade need not run.

    ``demos``: :func:`demo_sources` of the course's notebook (or any cells of the course that
    grade nothing); ``keep``: names the hidden tests read; ``left_out``: cells that do not run
    anyway (they need nothing).
    """
    first = next((i for i, source in enumerate(sources) if source.strip() in demos), None)
    if first is None:
        return frozenset()
    needed = set(keep)
    skipped: set[int] = set()
    for index in range(len(sources) - 1, first - 1, -1):  # what runs before the first demo is moot
        if index in left_out:
            continue
        names = _names(sources[index])
        if sources[index].strip() in demos and names is not None and not names.bound & (needed | {"*"}):
            skipped.add(index)
            continue
        if names is None:  # a cell that does not parse runs (and fails); it can use anything before it
            return frozenset(skipped)
        needed |= names.used
    return frozenset(skipped)


def check_sources(cells: Sequence[CodeCell]) -> frozenset[str]:
    """The code of the public checks of the course's own notebook (read-only, not ``setup``)."""
    return frozenset(c.source.strip() for c in cells if c.public_check)


def questions_read(source: str, names: Mapping[str, Collection[str]]) -> frozenset[str]:
    """The questions (of ``names``: question id -> the names it defines) whose names a cell reads."""
    found = _names(source)
    if found is None:
        return frozenset()
    return frozenset(q for q, defined in names.items() if found.used & set(defined))


@functools.lru_cache(maxsize=1024)  # a course's cells recur in every submission
def _names(source: str) -> _Names | None:
    """What a cell binds at its top level, and what it reads that an earlier cell may have bound.

    A name the cell binds before reading it (a loop variable, ``x = 1`` then ``print(x)``) does not
    count as read; one read inside a function, class or comprehension counts whenever the scope
    takes it from the notebook's globals. Where in doubt (a branch that may not run), it counts.
    None if the cell does not parse.
    """
    tree = None if len(source) > CACHED_CHARS else parsed(source)
    if tree is None:
        return None  # too big to analyse, or it does not parse: it runs
    try:
        table = symtable.symtable(source, "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    used: set[str] = set()
    for scope in _nested(table):
        for symbol in scope.get_symbols():
            if symbol.is_declared_global() and symbol.is_assigned():
                bound.add(symbol.get_name())
            if symbol.is_global() and symbol.is_referenced():
                used.add(symbol.get_name())
    if any(a.name == "*" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for a in node.names):
        bound.add("*")  # binds who knows what: such a cell always runs
    used |= _read_first(tree.body, set())
    return _Names(frozenset(bound), frozenset(used))


def _nested(table: symtable.SymbolTable) -> Iterator[symtable.SymbolTable]:
    for child in table.get_children():
        yield child
        yield from _nested(child)


def _read_first(body: Sequence[ast.stmt], bound: set[str]) -> set[str]:
    """Names the top-level statements read before binding them; ``bound`` grows as they run."""
    read: set[str] = set()
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            outer = [*stmt.decorator_list, *getattr(stmt, "bases", ()), *_defaults(stmt)]
            read |= _reads(outer) - bound
            bound.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            bound.update(a.asname or a.name.split(".")[0] for a in stmt.names)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            read |= _reads([stmt.iter]) - bound
            read |= _read_first(stmt.body, bound | _stores(stmt.target))
            read |= _read_first(stmt.orelse, set(bound))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            read |= _reads([item.context_expr for item in stmt.items]) - bound
            for item in stmt.items:
                bound |= _stores(item.optional_vars) if item.optional_vars is not None else set()
            read |= _read_first(stmt.body, bound)
        elif isinstance(stmt, (ast.If, ast.While)):
            read |= _reads([stmt.test]) - bound
            read |= _read_first(stmt.body, set(bound)) | _read_first(stmt.orelse, set(bound))
        elif isinstance(stmt, ast.Try):
            for handler in stmt.handlers:
                read |= _reads([handler.type] if handler.type else []) - bound
                read |= _read_first(handler.body, bound | ({handler.name} if handler.name else set()))
            for block in (stmt.body, stmt.orelse, stmt.finalbody):
                read |= _read_first(block, set(bound))
        else:  # a simple statement: it reads, then binds
            read |= _reads([stmt]) - bound
            if isinstance(stmt, ast.AugAssign):
                read |= _stores(stmt.target) - bound
            bound |= _stores(stmt)
    return read


def _defaults(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[ast.expr]:
    if isinstance(node, ast.ClassDef):
        return [k.value for k in node.keywords]
    return _defaults_of(node.args)


def _reads(nodes: Sequence[ast.AST]) -> set[str]:
    """Names read in the scope the nodes run in (nested scopes are the symbol table's)."""
    out: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            out.add(node.id)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            stack.append(node.generators[0].iter)  # the rest runs in the comprehension's scope
        elif isinstance(node, ast.Lambda):
            stack.extend(_defaults_of(node.args))
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return out


def _defaults_of(args: ast.arguments) -> list[ast.expr]:
    return [*args.defaults, *(d for d in args.kw_defaults if d is not None)]


def _stores(node: ast.AST) -> set[str]:
    """Names bound in this scope by an assignment target or simple statement (walrus included)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Name) and isinstance(current.ctx, (ast.Store, ast.Del)):
            out.add(current.id)
        elif isinstance(current, ast.NamedExpr) and isinstance(current.target, ast.Name):
            out.add(current.target.id)
            stack.append(current.value)
        elif not isinstance(current, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                                      ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(current))
    return out
