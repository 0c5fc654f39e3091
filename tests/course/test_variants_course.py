"""A course of a dozen students with per-student quiz6 variants, graded by the real tools.

Twin copies of this course receive the same hand-ins: one is graded by ``cnngrader grade``, the
other by ``nbgrader autograde`` (the hidden cells in the student's kernel). Each student's own
answers are those ``cnngrader variant --json`` prints, typed as literals. Both graders must give
every student their own questions: full marks for their own answers and for the reference
solution, little for a classmate's answers, and a clear message to a notebook that says it is
someone else's.
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import nbformat
import pytest
from coursekit import gradebook_rows, must, run_tool

from cnngrader.course import Course

from .conftest import copy_course, release_nb, solution_nb

pytestmark = pytest.mark.slow

OWN = ("s101", "s102", "s103", "s104", "s105", "Ada.L", "zoë")
STATING = {"s103", "s104", "zoë"}  # these typed their id into the notebook; the others left it empty


@dataclass(frozen=True)
class Handin:
    answers_of: str | None  # whose `variant` answers are typed in; None: the reference solution
    stated: str = ""  # STUDENT_ID as typed


HANDINS: dict[str, Handin] = {
    **{s: Handin(s, s if s in STATING else "") for s in OWN},
    "sol1": Handin(None),
    "sol2": Handin(None),
    "copier": Handin("s101"),  # a classmate's answers
    "moved": Handin("s102", stated="s102"),  # s102's notebook, handed in from another folder
    "odd": Handin("odd", stated="od d/x"),  # own answers, an id that cannot be one
}


def variant(course: Path, student: str) -> dict[str, str]:
    """The student's answers as the TA's command prints them."""
    out = must(run_tool(course, "cnngrader", "variant", "quiz6", "--student", student, "--json"))
    return {q["id"]: q["answer"] for q in json.loads(out.stdout)["questions"]}


def notebook(handin: Handin, answers: dict[str, str] | None) -> Any:
    nb = copy.deepcopy(solution_nb("quiz6") if answers is None else release_nb("quiz6"))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if answers is not None and grade_id.endswith("_answer"):
            question = grade_id.removesuffix("_answer")
            cell.source = f"{question} = {answers[question]}"
        elif 'STUDENT_ID = ""' in cell.source:
            cell.source = cell.source.replace('STUDENT_ID = ""', f"STUDENT_ID = {handin.stated!r}")
    return nb


@dataclass(frozen=True)
class Twins:
    ours: Course
    theirs: Course
    answers: dict[str, dict[str, str]]  # each student's own answers (variant --json)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Twins:
    roots = {n: copy_course(tmp_path_factory.mktemp(n), with_release=True) for n in ("ours", "theirs")}
    students = sorted(set(HANDINS) | {h.answers_of for h in HANDINS.values() if h.answers_of})
    answers = {s: variant(roots["ours"], s) for s in students}
    for root in roots.values():
        must(run_tool(root, "nbgrader", "generate_assignment", "quiz6", "--force"))
        for student, handin in HANDINS.items():
            folder = root / "submitted" / student / "quiz6"
            folder.mkdir(parents=True)
            typed = answers[handin.answers_of] if handin.answers_of else None
            nbformat.write(notebook(handin, typed), folder / "quiz6.ipynb")
    must(run_tool(roots["ours"], "cnngrader", "grade", "quiz6"))
    must(run_tool(roots["theirs"], "nbgrader", "autograde", "quiz6", "--create", "--force"))
    return Twins(Course.open(roots["ours"]), Course.open(roots["theirs"]), answers)


def same(a: str, b: str) -> bool:
    return bool(ast.literal_eval(a) == ast.literal_eval(b))


def deserved(twins: Twins, student: str) -> dict[str, float]:
    """Per question: 1 where the answers typed in are right for this student's own numbers."""
    handin = HANDINS[student]
    if handin.answers_of is None:
        return dict.fromkeys(twins.answers[student], 1.0)
    typed, own = twins.answers[handin.answers_of], twins.answers[student]
    return {q: float(same(typed[q], own[q])) for q in own}


def test_both_graders_give_every_student_their_own_questions(twins: Twins) -> None:
    ours = gradebook_rows(twins.ours.db_url, "quiz6")
    theirs = gradebook_rows(twins.theirs.db_url, "quiz6")
    assert sorted(ours) == sorted(theirs) == sorted(HANDINS)
    for student in HANDINS:
        expected = deserved(twins, student)
        assert ours[student]["scores"] == expected, student
        assert theirs[student]["scores"] == expected, student


def test_own_answers_and_the_solution_score_full_marks(twins: Twins) -> None:
    rows = gradebook_rows(twins.ours.db_url, "quiz6")
    for student in [*OWN, "sol1", "sol2", "odd"]:
        assert rows[student]["score"] == 10, student


def test_a_classmates_answers_do_not_pay(twins: Twins) -> None:
    rows = gradebook_rows(twins.ours.db_url, "quiz6")
    assert rows["copier"]["score"] <= 4 and rows["moved"]["score"] <= 4
    # and a classmate's answers really are different ones
    pairs = zip(twins.answers["s101"].values(), twins.answers["copier"].values(), strict=True)
    assert sum(not same(a, b) for a, b in pairs) >= 6


def feedback(course: Course, student: str) -> str:
    return (course.feedback(student, "quiz6") / "quiz6.html").read_text()


def test_feedback_shows_each_student_their_own_prompts(twins: Twins) -> None:
    for student in ("s101", "copier", "moved"):
        mine = {q["id"]: q["prompt"] for q in json.loads(must(run_tool(
            twins.ours.folder, "cnngrader", "variant", "quiz6", "--student", student, "--json"
        )).stdout)["questions"]}  # fmt: skip
        page = feedback(twins.ours, student)
        first_lines = [prompt.splitlines()[0] for prompt in mine.values()]
        assert all(escape(line) in page for line in first_lines), student


def test_a_notebook_from_another_folder_is_told_whose_questions_it_got(twins: Twins) -> None:
    page = feedback(twins.ours, "moved")
    assert "STUDENT_ID = &#x27;s102&#x27;" in page and "&#x27;moved&#x27;" in page
    odd = feedback(twins.ours, "odd")
    assert "looks like a path" in odd and "&#x27;odd&#x27;" in odd
    assert "STUDENT_ID" not in feedback(twins.ours, "s103")  # stated, and right: nothing to say
    # nbgrader's in-kernel path says the same in each graded cell's output
    nb = nbformat.read(twins.theirs.autograded("moved", "quiz6") / "quiz6.ipynb", as_version=4)
    outputs = [
        "".join(o.get("text", "") for o in c.outputs)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]
    assert outputs and all("STUDENT_ID = 's102'" in text and "'moved'" in text for text in outputs)


@pytest.mark.parametrize("course", ["ours", "theirs"])
def test_the_notebook_ran_with_the_graded_students_numbers(twins: Twins, course: str) -> None:
    graded = getattr(twins, course)
    for student in ("sol1", "moved", "s101"):
        nb = nbformat.read(graded.autograded(student, "quiz6") / "quiz6.ipynb", as_version=4)
        said = "".join(
            o.get("text", "")
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id") == "variant_mine"
            for o in c.outputs
        )
        assert f"drawn for the student id {student!r}" in said, (course, student, said)
