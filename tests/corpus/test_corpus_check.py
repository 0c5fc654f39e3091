"""Every variant of the student library, graded by the real ``cnngrader check --json``.

Right spellings: full marks on their question. Mistakes: less than full on their question,
full marks everywhere else, and a failing test whose message names the mistake. Stubs:
``not_attempted``. Broken and hostile cells: never more than honest, and the CLI still prints
exactly one JSON document, the real one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import require_release
from corpus_cli import Checked, check_many, write_cases
from students.corpus import Case, cases
from students.expected import NotebookExpectation, expect_unreadable
from students.notebooks import UNREADABLE

CASES = cases()

# Files that are no notebook at all: the result says so, scores 0, and the CLI still exits 0.
UNREADABLE_FILES = {
    "lab6-unreadable-truncated": UNREADABLE,
    "lab6-unreadable-not-a-notebook": b'{"hello": "this is JSON, but no notebook"}\n',
    "lab6-unreadable-empty": b"",
}


def _selected_cases(session: pytest.Session) -> list[Case]:
    """Only the cases this pytest run selected (so ``-k`` grades a few notebooks, not all)."""
    params = [item.callspec.params.get("case") for item in session.items if hasattr(item, "callspec")]
    names = {case.name for case in params if isinstance(case, Case)}  # other tests have a "case" too
    return [c for c in CASES if c.name in names]


@pytest.fixture(scope="session")
def graded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, course_root: Path
) -> dict:
    """Name -> Checked, for the selected corpus notebooks and the unreadable files."""
    require_release("lab6", "quiz6")
    folder = tmp_path_factory.mktemp("corpus")
    selected = _selected_cases(request.session)
    paths = write_cases(selected, course_root=course_root, folder=folder)
    assignment = {c.name: c.assignment for c in selected}
    for name, data in UNREADABLE_FILES.items():
        paths[name] = folder / f"{name}.ipynb"
        paths[name].write_bytes(data)
        assignment[name] = "lab6"
    checked = check_many(((p, assignment[n]) for n, p in paths.items()), course_root=course_root)
    return {name: checked[path] for name, path in paths.items()}


def assert_meets(run: Checked, expectation: NotebookExpectation) -> None:
    assert run.returncode == 0, run.describe()
    result = run.result
    assert result is not None, "stdout is not exactly one JSON object\n" + run.describe()
    assert Path(str(result.get("notebook", ""))).name == run.path.name, "the result names another notebook"
    problems = expectation.violations(result)
    assert not problems, "\n".join(problems) + "\n" + run.describe()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_notebook(case: Case, graded: dict[str, Checked]) -> None:
    assert_meets(graded[case.name], case.expectation)


@pytest.mark.parametrize("name", sorted(UNREADABLE_FILES))
def test_unreadable_file_scores_zero_and_says_why(name: str, graded: dict[str, Checked]) -> None:
    assert_meets(graded[name], expect_unreadable("lab6"))
