"""Helpers of the Otter tests: answers typed into Otter's student notebook, and the real tools run on them."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[2]
OTTER = [sys.executable, "-m", "otter"]
ANSWER_TAG = "otter_answer_cell"
RUN_TIMEOUT = 600
KERNEL_TIMEOUT = 300  # a notebook run in a Jupyter kernel by the tests themselves


def cnngrader(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cnngrader", *args],
        cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False,
    )  # fmt: skip


def answer_indexes(nb: Any) -> list[int]:
    """Where Otter's student notebook expects answers, in order."""
    return [i for i, c in enumerate(nb["cells"]) if ANSWER_TAG in c["metadata"].get("tags", [])]


def solution_answers(assignment: str) -> list[str]:
    """The answer cells of the nbgrader-form full-mark submission in ``solutions/``."""
    nb = nbformat.read(ROOT / "solutions" / f"{assignment}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def typed(student: Any, answers: Mapping[int, str]) -> Any:
    """A copy of the student notebook with answer number ``k`` replaced by ``answers[k]``."""
    nb = copy.deepcopy(student)
    indexes = answer_indexes(nb)
    for k, source in answers.items():
        nb["cells"][indexes[k]]["source"] = source
    return nb


def variant(assignment: str, student: str) -> dict[str, Any]:
    """``cnngrader variant ID --student S --json``: the questions and answers a TA looks up for a student."""
    done = cnngrader("variant", assignment, "--student", student, "--json")
    assert done.returncode == 0, done.stderr
    found = dict(json.loads(done.stdout))
    assert found["student"] == student, found
    return found


def variant_answers(assignment: str, student: str) -> list[str]:
    """That student's answers, one answer cell each, typed as ``<question> = <answer>``."""
    return [f"{q['id']} = {q['answer']}\n" for q in variant(assignment, student)["questions"]]


def stating(nb: Any, student: str) -> Any:
    """A copy of an Otter student notebook whose ``STUDENT_ID`` cell says ``student``, as students type it."""
    nb = copy.deepcopy(nb)
    (index,) = cells_with(nb, 'STUDENT_ID = ""')
    cell = nb["cells"][index]
    cell["source"] = edited("".join(cell["source"]), ('STUDENT_ID = ""', f'STUDENT_ID = "{student}"'))
    return nb


def edited(source: str, *edits: tuple[str, str]) -> str:
    """``source`` with each (old, new) replaced; every ``old`` must be there."""
    for old, new in edits:
        assert old in source, f"{old!r} is not in the answer"
        source = source.replace(old, new)
    return source


def without_cells(nb: Any, *snippets: str) -> Any:
    """A copy without the code cells whose source contains any of ``snippets``."""
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in nb["cells"] if not any(s in "".join(c["source"]) for s in snippets)]
    return nb


def write(nb: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def otter_run(autograder_zip: Path, submission: Path, out: Path) -> dict[str, Any]:
    """The real ``otter run`` (no Docker); its results.json."""
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [*OTTER, "run", "-a", str(autograder_zip), "-o", str(out), "--no-logo", str(submission)],
        capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return dict(json.loads((out / "results.json").read_text()))


def gradescope_run(autograder_zip: Path, submission_files: Mapping[str, bytes], root: Path) -> dict[str, Any]:
    """Gradescope's way: the zip in ``root/source``, the files in ``root/submission``, its run_otter.py.

    The zip's entry point names ``/autograder``; here it names ``root`` instead, nothing else changes.
    """
    for sub in ("source", "submission", "results"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "submission_metadata.json").write_text("{}")
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(root / "source")
    for name, data in submission_files.items():
        (root / "submission" / name).write_bytes(data)
    entry = (root / "source" / "run_otter.py").read_text().replace('"/autograder"', repr(str(root)))
    (root / "source" / "run_here.py").write_text(entry)
    done = subprocess.run(
        [sys.executable, str(root / "source" / "run_here.py")],
        capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return dict(json.loads((root / "results" / "results.json").read_text()))


def otter_total(results: Mapping[str, Any]) -> float:
    """The score Gradescope gives: ``score`` if set, else the sum of the tests' scores."""
    if "score" in results:
        return float(results["score"])
    return round(sum(float(t.get("score", 0)) for t in results["tests"]), 6)


def otter_questions(results: Mapping[str, Any]) -> dict[str, float]:
    return {t["name"]: float(t["score"]) for t in results["tests"] if "score" in t}


def check_json(notebook: Path, assignment: str) -> dict[str, Any]:
    """``cnngrader check --json``, the command a TA spot-checks with."""
    done = cnngrader("check", str(notebook), "--assignment", assignment, "--json")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def question_scores(result: Mapping[str, Any]) -> dict[str, float]:
    return {q["id"]: float(q["score"]) for q in result["questions"]}


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def cells_with(nb: Any, snippet: str) -> Sequence[int]:
    return [i for i, c in enumerate(nb["cells"]) if snippet in "".join(c["source"])]


def output_text(cell: Any) -> str:
    """What a cell run in a kernel printed, returned or raised, as one text."""
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
        parts.append("\n".join(out.get("traceback", [])))
    return "\n".join(parts)
