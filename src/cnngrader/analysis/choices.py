"""What students answered: how often each option of a multiple-choice question was chosen, and
the most common answers of any question whose answer is a value.

Answers come from the records (``Result.answers``: what the hidden tests read with
``sub.value``). A question is multiple choice when most of its answers read as letters, the way
the grader reads them. Letters are turned into what they *mean* by an :data:`OptionMeaning`;
by default a letter means itself, and a course whose students get shuffled variants passes one
that maps each student's letter to the option it stands for, so counts add up by meaning.
"""

from __future__ import annotations

import enum
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cnngrader.analysis.sources import Item
from cnngrader.analysis.stats import mean
from cnngrader.answers import as_letters
from cnngrader.batch.state import Record

OptionMeaning = Callable[[Record, str, str], str]
"""``meaning(record, question, letter)``: what the option ``letter`` meant for this student."""

TOP_ANSWERS = 6
MAX_SHOWN = 120
MAX_FILLED = "J"  # options A..J are filled in when some go unchosen; beyond, only letters seen


def letter_itself(record: Record, question: str, letter: str) -> str:
    """The default meaning of an option: its letter."""
    return letter


class AnswerKind(str, enum.Enum):
    CHOICE = "choice"  # one letter
    MULTI = "multi"  # a set of letters
    VALUE = "value"  # a number, a shape, a grid...


@dataclass(frozen=True)
class OptionCount:
    """One option of a multiple-choice question."""

    option: str
    chosen: int
    credited: int  # of those who chose it, how many got the question's full points
    rest_mean: float | None  # their mean score on the rest of the assignment


@dataclass(frozen=True)
class AnswerCount:
    """One answer (a value, or a whole selection of options) and who gave it."""

    answer: str
    students: int
    credited: int


@dataclass(frozen=True)
class AnswerStats:
    """The answers to one question."""

    question: str
    kind: AnswerKind
    answered: int  # students whose record holds an answer
    missing: int  # students whose record holds none (not defined, unreadable, graded before answers)
    other: int  # answers of a choice question that are not letters
    options: tuple[OptionCount, ...]
    answers: tuple[AnswerCount, ...]  # the most common first
    distinct: int


def letters(value: Any) -> frozenset[str] | None:
    """The letters an answer chose, read by the hidden tests' own reader; None if it is not letters."""
    try:
        chosen = as_letters(value, "the answer")
    except AssertionError:
        return None
    return chosen or None

def answer_of(record: Record, item: Item) -> Any | None:
    """The recorded answer to ``item``: the value of its one name, or ``{name: value}`` for several."""
    names = item.names or (item.id,)
    kept = record.result.answers or {}
    found = {n: kept[n] for n in names if n in kept}
    if not found:
        return None
    return next(iter(found.values())) if len(found) == 1 else found


def shown(value: Any) -> str:
    """A recorded answer as an instructor reads it: JSON, or what was too big to keep."""
    if isinstance(value, dict) and set(value) == {"omitted"}:
        return f"({value['omitted']})"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def answer_stats(
    item: Item,
    records: Sequence[Record],
    rest: Sequence[float],
    *,
    meaning: OptionMeaning = letter_itself,
) -> AnswerStats | None:
    """The answers to ``item``; None if no record holds one. ``rest[s]``: student s's other points."""
    given = [(r, answer_of(r, item), x) for r, x in zip(records, rest, strict=True)]
    answered = [(r, a, x) for r, a, x in given if a is not None]
    if not answered:
        return None
    kind = answer_kind([a for _, a, _ in answered])
    full = {r.student for r, _, _ in answered if _full(r, item)}
    if kind is AnswerKind.VALUE:
        texts = [(r, shown(a)) for r, a, _ in answered]
        return _stats(item, kind, len(records), texts, full, (), 0)
    read = [(r, letters(a), a, x) for r, a, x in answered]
    chose = [(r, frozenset(meaning(r, item.id, c) for c in ls), x) for r, ls, _, x in read if ls]
    texts = [(r, _selection(ms)) for r, ms, _ in chose] + [(r, shown(a)) for r, ls, a, _ in read if not ls]
    options = option_counts(chose, full)
    return _stats(item, kind, len(records), texts, full, options, len(answered) - len(chose))


def answer_kind(answers: Sequence[Any]) -> AnswerKind:
    """CHOICE or MULTI when at least half of the answers read as letters, else VALUE."""
    read = [letters(a) for a in answers]
    chosen = [ls for ls in read if ls]
    if not answers or len(chosen) * 2 < len(answers):
        return AnswerKind.VALUE
    multi = any(len(ls) != 1 for ls in chosen) or any(isinstance(a, list) for a in answers)
    return AnswerKind.MULTI if multi else AnswerKind.CHOICE


def option_counts(
    chose: Sequence[tuple[Record, frozenset[str], float]], full: set[str]
) -> tuple[OptionCount, ...]:
    """Each option: how many chose it (with the options between A and the last chosen letter)."""
    by_option: dict[str, list[tuple[Record, float]]] = defaultdict(list)
    for record, options, rest in chose:
        for option in options:
            by_option[option].append((record, rest))
    names = all_options(by_option)
    return tuple(_option(o, by_option.get(o, []), full) for o in names)


def all_options(seen: dict[str, Any]) -> list[str]:
    """Options seen; when they are letters up to ``MAX_FILLED``, every letter from A to the last."""
    if seen and all(len(o) == 1 and "A" <= o <= MAX_FILLED for o in seen):
        return [chr(c) for c in range(ord("A"), ord(max(seen)) + 1)]
    return sorted(seen)


def _option(option: str, choosers: list[tuple[Record, float]], full: set[str]) -> OptionCount:
    rests = [x for _, x in choosers]
    return OptionCount(
        option=option,
        chosen=len(choosers),
        credited=sum(1 for r, _ in choosers if r.student in full),
        rest_mean=mean(rests) if rests else None,
    )


def _stats(
    item: Item,
    kind: AnswerKind,
    students: int,
    texts: list[tuple[Record, str]],
    full: set[str],
    options: tuple[OptionCount, ...],
    other: int,
) -> AnswerStats:
    counts = Counter(t for _, t in texts)
    credited = Counter(t for r, t in texts if r.student in full)
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    top = tuple(AnswerCount(t, counts[t], credited[t]) for t in ranked[:TOP_ANSWERS])
    return AnswerStats(item.id, kind, len(texts), students - len(texts), other, options, top, len(counts))


def _selection(options: frozenset[str]) -> str:
    return " + ".join(sorted(options))


def _full(record: Record, item: Item) -> bool:
    try:
        return item.points > 0 and record.result.question(item.id).score >= item.points
    except KeyError:
        return False
