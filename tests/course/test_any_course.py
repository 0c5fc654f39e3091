"""An assignment the project has never seen, in a course of its own, from an instructor's empty
folder to grades: released, checked, graded into the gradebook and exported by the installed
``cnngrader``, and graded the same by ``nbgrader autograde``.

The notebook and the hidden tests are written here the way docs/authoring.md tells an instructor
to write them: nbgrader grade cells with points, the hidden-cell call (one cell left for the
release to add), and pytest files using ``sub``, ``rng``, ``cnngrader.answers`` and
``cnngrader.inspect``.
"""

from __future__ import annotations

import csv
import json
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest
from coursekit import answered, gradebook_rows, must, run_tool, submit

from cnngrader.course import Course

pytestmark = pytest.mark.slow

CONFIG = """\
c = get_config()
c.Execute.timeout = 30
"""

PROMPT = "## {n}. {title} ({points} points)\n\n{text}"
HIDDEN = """### BEGIN HIDDEN TESTS
from cnngrader.course.incell import grade_question
grade_question("lab7", "{q}", globals())
### END HIDDEN TESTS"""
POOL = """\
def pool_size(n, k):
    ### BEGIN SOLUTION
    return n // k
    ### END SOLUTION"""
NET = """\
import torch
from torch import nn


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(64, 2)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        x = torch.max_pool2d(torch.relu(self.conv(x)), 2)
        return self.fc(x.flatten(1))
        ### END SOLUTION"""
LETTER = """\
### BEGIN SOLUTION
kernel_letter = "B"
### END SOLUTION"""
QUESTIONS = [  # (question, points, prompt, solution cell, hidden call written by the instructor?)
    ("pool_size", 2, "Write `pool_size(n, k)`: the side of a map of side `n` after `k`x`k` max "
     "pooling.", POOL, True),
    ("tiny_net", 4, "Build `TinyNet`: conv 1->4 (3x3, padding 1), ReLU, 2x2 max pooling, flatten, "
     "linear to 2, for 1x8x8 images.", NET, True),
    ("kernel_letter", 1, "Which tensor holds a Conv2d's filters? (A) its bias (B) its weight. "
     "Assign the letter to `kernel_letter`.", LETTER, False),
]  # fmt: skip

TESTS = {
    "test_pool_size.py": '''
        import pytest
        import torch
        import torch.nn.functional as F
        from cnngrader.answers import as_int
        pytestmark = pytest.mark.question("pool_size")

        @pytest.mark.points(1)
        def test_even(sub):
            """pool_size(8, 2) is 4"""
            got = as_int(sub.function("pool_size")(8, 2), "pool_size(8, 2)")
            assert got == 4, "pool_size(8, 2) should be 4"

        @pytest.mark.points(1)
        def test_random(sub, rng):
            """pool_size agrees with F.max_pool2d on random sizes"""
            for _ in range(5):
                n, k = (int(torch.randint(lo, hi, (1,), generator=rng)) for lo, hi in ((8, 30), (2, 7)))
                want = F.max_pool2d(torch.zeros(1, 1, n, n), k).shape[-1]
                got = as_int(sub.function("pool_size")(n, k), f"pool_size({n}, {k})")
                assert got == want, f"pool_size({n}, {k}) returned {got}; max pooling gives {want}"
    ''',
    "test_tiny_net.py": '''
        import pytest
        import torch
        from torch import nn
        from cnngrader.inspect import first_divergence, model_steps, total_parameters
        pytestmark = pytest.mark.question("tiny_net")

        def reference():
            return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Flatten(), nn.Linear(64, 2))

        @pytest.mark.points(2)
        def test_layers(sub):
            """conv, ReLU, max pooling, flatten, linear, as asked"""
            found = model_steps(sub.model("TinyNet"), (1, 8, 8))
            message = first_divergence(model_steps(reference(), (1, 8, 8)), found)
            assert message is None, message

        @pytest.mark.points(1)
        def test_output(sub, rng):
            """maps (N, 1, 8, 8) to (N, 2)"""
            out = sub.model("TinyNet")(torch.randn(3, 1, 8, 8, generator=rng))
            assert tuple(out.shape) == (3, 2), f"the output has shape {tuple(out.shape)}, expected (3, 2)"

        @pytest.mark.points(1)
        def test_parameters(sub):
            """as many parameters as the layers asked for"""
            want, found = total_parameters(reference()), total_parameters(sub.model("TinyNet"))
            assert found == want, f"expected {want} parameters, found {found}"
    ''',
    "test_kernel_letter.py": '''
        import pytest
        from cnngrader.answers import as_letter
        pytestmark = pytest.mark.question("kernel_letter")

        @pytest.mark.points(1)
        def test_letter(sub):
            """the filters are the weight"""
            assert as_letter(sub.value("kernel_letter"), "kernel_letter") == "B", "not that option"
    ''',
}

STUDENTS = {
    "ada": {  # right, spelled her own way
        "pool_size_answer": "def pool_size(n, k):\n    return int(n / k) if n % k == 0 else n // k",
        "tiny_net_answer": """
            import torch.nn as nn

            class TinyNet(nn.Sequential):
                def __init__(self):
                    super().__init__(nn.Conv2d(1, 4, (3, 3), padding="same"), nn.ReLU(),
                                     nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(4 * 4 * 4, 2))
        """,
        "kernel_letter_answer": "kernel_letter = ' b '",
    },
    "bob": {  # rounds up, forgets the ReLU, wrong letter
        "pool_size_answer": "import math\ndef pool_size(n, k):\n    return math.ceil(n / k)",
        "tiny_net_answer": """
            from torch import nn

            class TinyNet(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.body = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.MaxPool2d(2),
                                              nn.Flatten(), nn.Linear(64, 2))

                def forward(self, x):
                    return self.body(x)
        """,
        "kernel_letter_answer": 'kernel_letter = "A"',
    },
    "cyd": {},  # handed in the release untouched
}


def instructor_notebook() -> nbformat.NotebookNode:
    """What an instructor saves from Jupyter after nbgrader's Create Assignment toolbar."""
    cells = [nbformat.v4.new_markdown_cell("# Lab 7: pooling, in your own course")]
    for n, (q, points, text, solution, with_call) in enumerate(QUESTIONS, 1):
        cells.append(nbformat.v4.new_markdown_cell(PROMPT.format(n=n, title=q, points=points, text=text)))
        meta = {
            "grade": False,
            "grade_id": f"{q}_answer",
            "locked": False,
            "schema_version": 3,
            "solution": True,
        }
        cells.append(nbformat.v4.new_code_cell(solution, metadata={"nbgrader": meta}))
        visible = f"# Hidden tests grade this question ({points} points)."
        source = f"{visible}\n{HIDDEN.format(q=q)}" if with_call else visible
        meta = {"grade": True, "grade_id": q, "points": points, "solution": False}  # sparse, as typed
        cells.append(nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta}))
    return nbformat.v4.new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
    )


def new_course(root: Path) -> Path:
    (root / "source" / "lab7").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(CONFIG)
    nbformat.write(instructor_notebook(), root / "source" / "lab7" / "lab7.ipynb")
    (root / "autograder" / "lab7").mkdir(parents=True)
    for name, text in TESTS.items():
        (root / "autograder" / "lab7" / name).write_text(textwrap.dedent(text))
    return root


def hand_in(root: Path) -> None:
    release = root / "release" / "lab7" / "lab7.ipynb"
    for student, cells in STUDENTS.items():
        submit(root / "submitted" / student / "lab7", answered(release, cells), "lab7.ipynb")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_course(tmp_path_factory.mktemp("lab7") / "course")
    done = must(run_tool(root, "cnngrader", "release", "lab7"))
    assert "the hidden-test call of 'kernel_letter'" in done.stdout  # the one cell left to the build
    hand_in(root)
    return root


def test_the_release_shows_no_answer_and_no_hidden_test(released: Path) -> None:
    text = (released / "release" / "lab7" / "lab7.ipynb").read_text()
    assert "grade_question" not in text and "n // k" not in text and "Linear(64, 2)" not in text
    assert "Create Assignment" not in text and "raise NotImplementedError()" in text


def test_check_grades_a_notebook_with_the_installed_cli(released: Path) -> None:
    done = must(run_tool(released, "cnngrader", "check", "submitted/ada/lab7/lab7.ipynb",
                         "--assignment", "lab7", "--json"))  # fmt: skip
    result = json.loads(done.stdout)
    assert result["score"] == result["max_score"] == 7
    assert [q["id"] for q in result["questions"]] == ["pool_size", "tiny_net", "kernel_letter"]


def test_grade_export_and_nbgrader_autograde_agree(released: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(released, twin)
    must(run_tool(released, "cnngrader", "grade", "lab7"))
    must(run_tool(released, "cnngrader", "export", "lab7", "--to", "grades.csv"))
    must(run_tool(twin, "nbgrader", "autograde", "lab7"))

    ours = gradebook_rows(Course.open(released).db_url, "lab7")
    theirs = gradebook_rows(Course.open(twin).db_url, "lab7")
    assert {s: r["scores"] for s, r in ours.items()} == {s: r["scores"] for s, r in theirs.items()}
    assert ours["ada"]["score"] == 7 and ours["cyd"]["score"] == 0
    bob = ours["bob"]["scores"]
    assert bob["pool_size"] == 1 and bob["kernel_letter"] == 0 and 0 < bob["tiny_net"] < 4
    with (released / "grades.csv").open() as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert float(rows["ada"]["score"]) == 7 and float(rows["bob"]["tiny_net"]) == bob["tiny_net"]
