"""The student library against PyTorch, in this process: right variants compute what the contract
says, every mistake computes something else, stubs and broken cells do not answer.

Hostile cells are never run here (they patch torch or end the interpreter); they are only compiled.
"""

from __future__ import annotations

import pytest
from oracle import CHECKERS, problems, run_cell
from students import VARIANTS, Kind, Variant

RUNNABLE = [v for v in VARIANTS if v.kind is not Kind.HOSTILE and v.source is not None]


def _id(v: Variant) -> str:
    return v.key


def test_every_question_has_a_checker_and_variants_of_each_kind() -> None:
    for question in CHECKERS:
        kinds = {v.kind for v in VARIANTS if v.question == question}
        assert {Kind.RIGHT, Kind.MISTAKE, Kind.HALF_DONE} <= kinds, f"{question} lacks a kind: {kinds}"


@pytest.mark.parametrize("v", [v for v in RUNNABLE if v.kind is Kind.RIGHT], ids=_id)
def test_right_variant_computes_the_contract(v: Variant) -> None:
    ns, _ = run_cell(v.source or "")
    assert problems(v.question, ns) == []


@pytest.mark.parametrize("v", [v for v in RUNNABLE if v.kind is Kind.MISTAKE], ids=_id)
def test_mistake_computes_something_else(v: Variant) -> None:
    ns, error = run_cell(v.source or "")
    assert error is None, f"a mistake should run as a cell: {error!r}"
    assert problems(v.question, ns), "this 'mistake' computes what the contract asks"


@pytest.mark.parametrize("v", [v for v in RUNNABLE if v.kind is Kind.RULE], ids=_id)
def test_a_rule_breaker_computes_the_contract_the_way_the_notebook_rules_out(v: Variant) -> None:
    ns, error = run_cell(v.source or "")
    assert error is None
    assert problems(v.question, ns) == [], "a rule breaker's values are right: only the rule costs it"
    assert v.words, f"{v.key}: the feedback must quote the notebook's rule"


@pytest.mark.parametrize("v", [v for v in RUNNABLE if v.kind in (Kind.HALF_DONE, Kind.BROKEN)], ids=_id)
def test_half_done_and_broken_do_not_answer(v: Variant) -> None:
    ns, _ = run_cell(v.source or "")
    assert problems(v.question, ns)


@pytest.mark.parametrize("v", [v for v in VARIANTS if v.kind is Kind.HOSTILE], ids=_id)
def test_hostile_cells_are_valid_python(v: Variant) -> None:
    compile(v.source or "", v.key, "exec")


def test_mistakes_are_labelled() -> None:
    for v in VARIANTS:
        if v.kind is Kind.MISTAKE and not v.question.startswith("q") and v.question != "linear_in_features":
            assert v.words, f"{v.key}: a lab mistake must say what its feedback should name"
