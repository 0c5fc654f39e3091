"""The command line as a user meets it: exit codes, one JSON document, errors in words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def cnngrader(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cnngrader", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_usage_errors_exit_2() -> None:
    assert cnngrader().returncode == 2
    assert cnngrader("check", "x.ipynb").returncode == 2  # --assignment is required
    assert cnngrader("frobnicate").returncode == 2


def test_unknown_assignment_is_a_usage_error_naming_the_known_ones(tmp_path: Path) -> None:
    out = cnngrader("check", str(tmp_path / "x.ipynb"), "--assignment", "lab7")
    assert out.returncode == 2
    assert out.stderr.startswith("Error: unknown assignment 'lab7'") and "lab6, quiz6" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_folder_that_is_not_a_course_exits_3(tmp_path: Path) -> None:
    out = cnngrader("check", "x.ipynb", "--assignment", "lab6", "--course", str(tmp_path))
    assert out.returncode == 3
    assert "is not a course folder: it has no nbgrader_config.py and no autograder/" in out.stderr


@pytest.mark.parametrize("content", [b"", b"{oops", b'{"a": 1}'])
def test_unreadable_notebook_still_gives_one_json_result(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "lab6.ipynb"
    path.write_bytes(content)
    out = cnngrader("check", str(path), "--assignment", "lab6", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["score"] == 0 and result["max_score"] == 40
    assert result["notebook"] == str(path)
    assert len(result["errors"]) == 1 and "lab6.ipynb" in result["errors"][0]
    assert [q["id"] for q in result["questions"]][:2] == ["conv_output_size", "conv2d_single"]
    assert result["isolation"] in ("bubblewrap", "seccomp", "rlimits")


def test_several_notebooks_are_one_json_list_in_the_order_given(tmp_path: Path) -> None:
    """One warm judge grades them in turn; each result is what a check of it alone says."""
    broken = tmp_path / "broken.ipynb"
    broken.write_bytes(b"{oops")
    paths = [ROOT / "solutions" / "quiz6.ipynb", broken, ROOT / "release" / "quiz6" / "quiz6.ipynb"]
    out = cnngrader("check", *map(str, paths), "--assignment", "quiz6", "--json", "--seed", "4")
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    assert [r["notebook"] for r in results] == [str(p) for p in paths]
    assert [r["score"] for r in results] == [10.0, 0.0, 0.0]
    assert "not valid JSON" in results[1]["errors"][0]
    one = cnngrader("check", str(paths[0]), "--assignment", "quiz6", "--json", "--seed", "4")
    alone = json.loads(one.stdout)
    assert alone == results[0]
