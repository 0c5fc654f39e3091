"""The real ``nbgrader autograde`` and ``nbgrader export`` on a copy of this course.

Three students per assignment: the reference solution (full marks), the released notebook
handed in untouched (0), and a half-done notebook whose partial credit must be per question.
Runs against the real hidden tests in ``autograder/``.
"""

from __future__ import annotations

import ast
import csv
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbgrader.api import Gradebook

from cnngrader.course import Course
from cnngrader.course.cells import nbgrader_meta
from cnngrader.course.fill import fill_answers
from cnngrader.course.variants import variant_for

from .conftest import copy_course, nbgrader, read_nb, release_nb, solution_nb, source_nb

COURSE = Course.open(Path(__file__).resolve().parents[2])
ASSIGNMENTS = {a: COURSE.assignment(a) for a in COURSE.assignment_ids()}

pytestmark = pytest.mark.slow

STUDENTS = ("solution", "blank", "half")

# A half-done lab, in a style of its own: one function of two, one class of two.
LAB6_HALF_PARAM_COUNTS = """
    def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
        kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
        return out_channels * (in_channels * kh * kw + int(bias))


    def linear_param_count(in_features, out_features, bias=True):
        # YOUR CODE HERE
        raise NotImplementedError()
"""
LAB6_HALF_FCNN = """
    class FCNN(nn.Module):
        def __init__(self, input_size):
            super().__init__()
            self.fc1 = nn.Linear(input_size, 256)
            self.fc2 = nn.Linear(256, 128)
            self.fc3 = nn.Linear(128, 64)
            self.fc4 = nn.Linear(64, 32)
            self.fc5 = nn.Linear(32, 16)
            self.out = nn.Linear(16, 1)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = F.relu(self.fc3(x))
            x = F.relu(self.fc4(x))
            return self.out(self.fc5(x))


    class ConvNet(nn.Module):
        def __init__(self, input_channels):
            super().__init__()
            # YOUR CODE HERE
            raise NotImplementedError()
"""


def quiz6_half_answers() -> dict[str, str]:
    """The student "half"'s own quiz (its numbers are drawn for that id): the first four right in the
    forgiving forms of the contract, then a wrong one."""
    right = {q.id: ast.literal_eval(q.answer) for q in variant_for(course=COURSE, assignment="quiz6",
                                                                    student="half").questions}  # fmt: skip
    return {
        "q1_answer": f"q1 = {' ' + right['q1'].lower() + ' '!r}",
        "q2_answer": f"q2 = {sorted(right['q2'])!r}",
        "q3_answer": f"q3 = {float(right['q3'])!r}",
        "q4_answer": f"q4 = {list(right['q4'])!r}",
        "q5_answer": f"q5 = {right['q5'] + 1}",
    }


HALF_ANSWERS = {
    "lab6": {
        "param_counts_answer": LAB6_HALF_PARAM_COUNTS,
        "fcnn_vs_convnet_answer": LAB6_HALF_FCNN,
    },
    "quiz6": quiz6_half_answers(),
}
HALF_SOLVED = {"lab6": {"conv_output_size_answer", "conv2d_single_answer"}, "quiz6": set()}
HALF_EXPECTED: dict[str, dict[str, float | tuple[float, float]]] = {
    # a (low, high) pair means strictly between: partial credit inside the question
    "lab6": {
        "conv_output_size": 4,
        "conv2d_single": 6,
        "max_pool2d_single": 0,
        "param_counts": (0, 4),
        "cnn": 0,
        "fcnn_vs_convnet": (0, 6),
        "linear_in_features": 0,
        "budget_cnn": 0,
    },
    "quiz6": {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 0, "q10": 0},
}


def half_done(assignment: str) -> Any:
    nb = fill_answers(release_nb(assignment), source_nb(assignment), only=HALF_SOLVED[assignment])
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in HALF_ANSWERS[assignment]:
            cell.source = textwrap.dedent(HALF_ANSWERS[assignment][grade_id]).strip()
    return nb


@dataclass(frozen=True)
class GradedCourse:
    root: Path
    seconds: dict[str, float]

    def scores(self, assignment: str, student: str) -> dict[str, float]:
        """Per grade id, the score nbgrader stored in its gradebook."""
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            notebook = gb.find_submission_notebook(assignment, assignment, student)
            return {grade.name: float(grade.score) for grade in notebook.grades}

    def autograded(self, assignment: str, student: str) -> Any:
        return read_nb(self.root / "autograded" / student / assignment / f"{assignment}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    root = copy_course(tmp_path_factory.mktemp("course"))
    seconds = {}
    for assignment in ASSIGNMENTS:
        nbgrader(root, "generate_assignment", assignment, "--force")
        notebooks = {"solution": solution_nb(assignment), "blank": release_nb(assignment)}
        notebooks["half"] = half_done(assignment)
        for student, nb in notebooks.items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{assignment}.ipynb")
        seconds[assignment] = nbgrader(root, "autograde", assignment, "--create", "--force")
    nbgrader(root, "export")
    return GradedCourse(root, seconds)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_scores_full_marks(graded: GradedCourse, assignment: str) -> None:
    expected = {q.id: float(q.points) for q in ASSIGNMENTS[assignment].questions}
    assert graded.scores(assignment, "solution") == expected


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_untouched_release_scores_zero(graded: GradedCourse, assignment: str) -> None:
    assert graded.scores(assignment, "blank") == {q.id: 0.0 for q in ASSIGNMENTS[assignment].questions}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_half_done_gets_partial_credit_per_question(graded: GradedCourse, assignment: str) -> None:
    scores = graded.scores(assignment, "half")
    for question, expected in HALF_EXPECTED[assignment].items():
        if isinstance(expected, tuple):
            low, high = expected
            assert low < scores[question] < high, f"{question}: {scores[question]}"
        else:
            assert scores[question] == expected, f"{question}: {scores[question]} instead of {expected}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("student", STUDENTS)
def test_each_grade_is_the_cells_own_number(graded: GradedCourse, assignment: str, student: str) -> None:
    # nbgrader gives full marks to a cell with no numeric result: every graded cell must show one,
    # equal to the stored grade, after feedback on stdout and with nothing on stderr.
    scores = graded.scores(assignment, student)
    for cell in graded.autograded(assignment, student).cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade"):
            continue
        *printed, result = cell.outputs
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        # the kernel may flush one print in several chunks: any number of stdout streams, then the score
        assert printed and all(o.output_type == "stream" and o.name == "stdout" for o in printed), kinds
        assert result.output_type == "execute_result", kinds
        assert "".join(o.text for o in printed).startswith(f"{meta['grade_id']}: ")
        assert float(result.data["text/plain"]) == scores[meta["grade_id"]]


@pytest.mark.parametrize("student", STUDENTS)
def test_demo_cells_run_cleanly_even_on_stubs(graded: GradedCourse, student: str) -> None:
    for cell in graded.autograded("lab6", student).cells:
        if "demo" in cell.metadata.get("tags", []):
            bad = [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]
            assert bad == [], cell.source[:80]


def test_the_solution_passes_its_public_checks_and_shows_the_lecture_table(graded: GradedCourse) -> None:
    cells = graded.autograded("lab6", "solution").cells
    for cell in cells:
        if "check" in cell.metadata.get("tags", []):
            assert all(o.output_type != "error" for o in cell.outputs), cell.source[:80]
    printed = "".join(o.get("text", "") for c in cells if c.cell_type == "code" for o in c.outputs)
    assert "Total params: 1,337" in printed
    assert "Total mult-adds (M): 0.41" in printed
    images = [o for c in cells if "demo" in c.metadata.get("tags", []) for o in c.outputs if "data" in o]
    assert sum("image/png" in o.data for o in images) == 3  # the photo, the filters, the feature maps


def test_export_writes_the_totals(graded: GradedCourse) -> None:
    with (graded.root / "grades.csv").open() as f:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    for assignment in ASSIGNMENTS:
        max_score = ASSIGNMENTS[assignment].max_score
        for student in STUDENTS:
            row = rows[(assignment, student)]
            assert float(row["max_score"]) == max_score
            assert float(row["raw_score"]) == pytest.approx(sum(graded.scores(assignment, student).values()))
        assert float(rows[(assignment, "solution")]["raw_score"]) == max_score
        assert float(rows[(assignment, "blank")]["raw_score"]) == 0
