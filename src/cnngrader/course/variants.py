"""Per-student variants: the course's hook that gives each student their own questions.

An assignment has variants when its hidden tests' folder holds ``variant.py`` defining::

    def variant(student: str | None) -> Iterable[VariantQuestion | tuple[str, str, str]]:
        '''(question id, prompt, answer as Python source) for this student; None: canonical.'''

The hook is course data, like the hidden tests beside it: the engine only calls it, to show a TA a
student's questions (``cnngrader variant``) and to put each student's prompts into their results.
The hidden tests draw the same numbers themselves from the ``student`` fixture.

A course whose multiple-choice options are shuffled per student may also define
``options(student) -> {question: {letter: meaning}}``, the same meaning for the same option whatever
its letter; :func:`option_meaning` turns it into what an item analysis counts by.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from cnngrader.course.course import Course
from cnngrader.errors import CourseError, UsageError

VARIANT_FILE = "variant.py"
HOOK = "variant"
OPTIONS_HOOK = "options"
_LOAD_LOCK = threading.Lock()


@dataclass(frozen=True)
class VariantQuestion:
    """One question as one student gets it: its prompt, and the answer as Python source."""

    id: str
    prompt: str
    answer: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "prompt": self.prompt, "answer": self.answer}


@dataclass(frozen=True)
class Variant:
    """One student's variant of an assignment (``student`` None: the canonical variant)."""

    assignment: str
    student: str | None
    questions: tuple[VariantQuestion, ...]

    def prompts(self) -> dict[str, str]:
        return {q.id: q.prompt for q in self.questions}

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignment": self.assignment,
            "student": self.student,
            "questions": [q.to_dict() for q in self.questions],
        }


def variant_file(course: Course, assignment: str) -> Path:
    return course.tests_dir(assignment) / VARIANT_FILE


def has_variants(course: Course, assignment: str) -> bool:
    return variant_file(course, assignment).is_file()


class VariantHook:
    """The course's ``variant`` function of one assignment, loaded once; its answers checked."""

    def __init__(self, course: Course, assignment: str) -> None:
        self.assignment = course.assignment(assignment)
        self.path = variant_file(course, assignment)
        self._module = _load(self.path)
        fn = getattr(self._module, HOOK, None)
        if not callable(fn):
            raise CourseError(f"{self.path} should define a function {HOOK}(student)")
        self._fn: Callable[[str | None], Iterable[Any]] = fn

    def __call__(self, student: str | None) -> Variant:
        items = list(self._call(HOOK, student))
        questions = tuple(self._question(item) for item in items)
        return Variant(self.assignment.id, student, questions)

    def options(self, student: str | None) -> dict[str, dict[str, str]]:
        """What each letter of each multiple-choice question stands for, for this student (empty if
        the course does not say)."""
        if not callable(getattr(self._module, OPTIONS_HOOK, None)):
            return {}
        found = self._call(OPTIONS_HOOK, student)
        if not isinstance(found, dict):
            raise CourseError(f"{self.path}: {OPTIONS_HOOK}() should give {{question: {{letter: meaning}}}}")
        return {str(q): {str(k).upper(): str(v) for k, v in dict(o).items()} for q, o in found.items()}

    def _call(self, name: str, student: str | None) -> Any:
        folder = str(self.path.parent)
        sys.path.insert(0, folder)  # a helper imported late still resolves beside the hook
        try:
            return getattr(self._module, name)(student)
        except Exception as exc:  # the instructor's code: say where
            why = f"{type(exc).__name__}: {exc}"
            raise CourseError(f"{self.path}: {name}({student!r}) raised {why}") from exc
        finally:
            if folder in sys.path:
                sys.path.remove(folder)

    def _question(self, item: object) -> VariantQuestion:
        if isinstance(item, VariantQuestion):
            question = item
        elif isinstance(item, tuple) and len(item) == 3 and all(isinstance(x, str) for x in item):
            question = VariantQuestion(*item)
        else:
            raise CourseError(f"{self.path}: variant() should give (id, prompt, answer) items, got {item!r}")
        if question.id not in {q.id for q in self.assignment.questions}:
            known = ", ".join(q.id for q in self.assignment.questions)
            raise CourseError(
                f"{self.path}: variant() gives question {question.id!r}, which {self.assignment.id!r} "
                f"has no grade cell for (its questions: {known})"
            )
        try:
            ast.literal_eval(question.answer)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise CourseError(
                f"{self.path}: the answer of {question.id} should be a Python literal a TA can type, "
                f"not {question.answer!r}"
            ) from None
        return question


def variant_hook(course: Course, assignment: str) -> VariantHook | None:
    """The assignment's hook, or None if it gives every student the same questions."""
    return VariantHook(course, assignment) if has_variants(course, assignment) else None


def variant_for(*, course: Course, assignment: str, student: str | None) -> Variant:
    """One student's variant (the ``cnngrader variant`` command); a UsageError if there are none."""
    course.assignment(assignment)  # an unknown assignment is a usage error first
    hook = variant_hook(course, assignment)
    if hook is None:
        raise UsageError(
            f"{assignment!r} gives every student the same questions "
            f"(no {VARIANT_FILE} in {course.tests_dir(assignment)})"
        )
    return hook(student)


class OptionMeaning:
    """``meaning(record, question, letter)``: what a student's letter stood for in their variant (the
    report's ``cnngrader.analysis.OptionMeaning``; ``record`` is anything with a ``student``)."""

    def __init__(self, hook: VariantHook) -> None:
        self.hook = hook
        self._cache: dict[str | None, dict[str, dict[str, str]]] = {}

    def __call__(self, record: Any, question: str, letter: str) -> str:
        student = getattr(record, "student", None)
        if student not in self._cache:
            self._cache[student] = self.hook.options(student)
        return self._cache[student].get(question, {}).get(letter.strip().upper(), letter)


def option_meaning(*, course: Course, assignment: str) -> OptionMeaning | None:
    """How to read each student's letters by what they meant; None if every student has the same."""
    hook = variant_hook(course, assignment)
    return OptionMeaning(hook) if hook is not None else None


def _load(path: Path) -> ModuleType:
    """Import ``path`` under a name of its own, its folder first on the path (for its helpers)."""
    folder = path.parent
    name = f"_cnngrader_variant_{abs(hash(str(path.resolve())))}"
    with _LOAD_LOCK:
        _forget_other_copies(folder)
        sys.path.insert(0, str(folder))
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except Exception as exc:
            raise CourseError(f"{path} could not be imported: {type(exc).__name__}: {exc}") from exc
        finally:
            if str(folder) in sys.path:
                sys.path.remove(str(folder))
    return module


def _forget_other_copies(folder: Path) -> None:
    """Drop helper modules of the same name imported from another copy of the course."""
    for file in folder.glob("*.py"):
        module: ModuleType | None = sys.modules.get(file.stem)
        where = getattr(module, "__file__", None) if module is not None else None
        if where is not None and Path(where).resolve() != file.resolve():
            del sys.modules[file.stem]
