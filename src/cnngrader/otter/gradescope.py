"""The autograder on Gradescope: what its image installs, its folders, and its entry point.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once to build the
image, then per submission runs ``run_autograder`` (Otter's ``run_otter.py``), which must leave
``/autograder/results/results.json``. Otter writes none when it fails before its plugins run
(a file that is not JSON, a folder with two notebooks), so the zip's ``run_otter.py`` calls
:func:`run_autograder`, which grades with cnngrader directly whenever Otter raised.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import sys
import traceback
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnngrader.otter.grade import GradingSettings, grade_submission, zero_result

GRADESCOPE_ROOT = "/autograder"
PLUGIN = "cnngrader.otter.plugin.CnngraderPlugin"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
QUARANTINE = "cnngrader-quarantine"
KEEP_IN_SUBMISSION = frozenset({"tests"})  # Otter's own copy of the zip's tests

RUN_OTTER = f'''"""Runs Otter-Grader's autograding process; cnngrader writes the result if Otter cannot."""

try:
    from cnngrader.otter.gradescope import run_autograder
except ModuleNotFoundError:  # cnngrader failed to install: Otter's own behaviour
    from otter.run.run_autograder import main as run_autograder


if __name__ == "__main__":
    run_autograder("{GRADESCOPE_ROOT}")
'''

BUBBLEWRAP = """
# cnngrader: bubblewrap confines student code; without it grading records a lower isolation level
apt-get install -y bubblewrap libseccomp2 || echo "cnngrader: bubblewrap is not available on this image"
"""


@dataclass(frozen=True)
class AutograderLayout:
    """The folders of one grading run (``/autograder`` on Gradescope, a temp folder for ``otter run``)."""

    root: Path

    @classmethod
    def of_submission(cls, submission_path: Path) -> AutograderLayout:
        return cls(Path(submission_path).resolve().parent.parent)

    @property
    def submission(self) -> Path:
        return self.root / "submission"

    @property
    def files(self) -> Path:
        return self.root / "source" / "files"

    @property
    def results_json(self) -> Path:
        return self.root / "results" / "results.json"

    def course_root(self, settings: GradingSettings) -> Path:
        """The course in the zip as unpacked, never the copy Otter puts beside the submission."""
        return self.files / settings.course

    def submitted_notebook(self) -> Path | str:
        """The notebook to grade (where the plugin may have moved it), or why there is none."""
        ours = {"__init__.py", *KEEP_IN_SUBMISSION, *(p.name for p in _entries(self.files))}
        found = find_notebook(self.submission, ignore=ours)
        moved = find_notebook(self.root / QUARANTINE, ignore=ours)
        return moved if isinstance(found, str) and isinstance(moved, Path) else found

    def otter_config(self) -> dict[str, Any]:
        path = self.root / "source" / "otter_config.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def quarantine(self, *, only: Iterable[str] | None = None) -> list[str]:
        """Move the submission folder's files aside (all of them, or ``only`` these names).

        Otter's kernel starts in the submission folder, which Python puts first on its import
        path: a student's ``pickle.py`` or ``otter/`` there would run in it.
        """
        aside = self.root / QUARANTINE
        aside.mkdir(exist_ok=True)
        names = [p.name for p in self.submission.iterdir() if p.name not in KEEP_IN_SUBMISSION]
        moved = [n for n in names if only is None or n in set(only)]
        for name in moved:
            target = aside / name
            if target.exists() or target.is_symlink():
                _remove(target)
            shutil.move(str(self.submission / name), str(target))
        if only is None:
            (self.submission / "__init__.py").write_text("")  # Otter expects it
        return moved


def requirements(wheel_name: str) -> list[str]:
    """The zip's ``requirements.txt``: torch's CPU build, then cnngrader from the shipped wheel."""
    torch = importlib.metadata.version("torch").split("+")[0]
    return [
        f"--extra-index-url {TORCH_INDEX}",
        f"torch=={torch}+cpu",
        f"{GRADESCOPE_ROOT}/source/files/dist/{wheel_name}",
    ]


def patch_zip(path: Path) -> None:
    """Give Otter's zip cnngrader's entry point and bubblewrap; every other entry stays Otter's."""
    with zipfile.ZipFile(path) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, _patched(info.filename, data))


def _patched(name: str, data: bytes) -> bytes:
    if name == "run_otter.py":
        return RUN_OTTER.encode()
    if name == "setup.sh":
        return _with_bubblewrap(data.decode()).encode()
    return data


def _with_bubblewrap(setup: str) -> str:
    """Install bubblewrap right after Otter's own apt-get install line."""
    lines = setup.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("apt-get install"):
            return "".join([*lines[: i + 1], BUBBLEWRAP, *lines[i + 1 :]])
    return setup + BUBBLEWRAP


def run_autograder(autograder_dir: str) -> None:
    """Otter's autograder; if it raises, cnngrader grades the submission and writes results.json."""
    from otter.run.run_autograder import main

    try:
        main(autograder_dir)
    except Exception as exc:  # Otter left no result, or an error instead of the verdict
        traceback.print_exc(file=sys.stderr)
        write_fallback_results(AutograderLayout(Path(autograder_dir)), reason=f"{type(exc).__name__}: {exc}")


def write_fallback_results(layout: AutograderLayout, *, reason: str) -> dict[str, Any]:
    """cnngrader's verdict as results.json without Otter's grading run; a last-resort 0 if even that fails."""
    layout.results_json.parent.mkdir(parents=True, exist_ok=True)
    try:
        output = _fallback_output(layout, reason)
    except Exception as exc:  # the student must still get a result
        traceback.print_exc(file=sys.stderr)
        output = {
            "score": 0,
            "output": f"The autograder could not grade this submission ({type(exc).__name__}: {exc}).",
            "tests": [],
        }
    layout.results_json.write_text(json.dumps(output, indent=4), encoding="utf-8")
    return output


def _fallback_output(layout: AutograderLayout, reason: str) -> dict[str, Any]:
    from otter.run import AutograderConfig

    from cnngrader.otter.verdict import verdict_results

    config = layout.otter_config()
    settings = GradingSettings.from_config(_plugin_config(config))
    course_root = layout.course_root(settings)
    notebook, seed = layout.submitted_notebook(), config.get("seed")
    if isinstance(notebook, Path):
        result = grade_submission(path=notebook, settings=settings, course_root=course_root, seed=seed)
    else:
        result = zero_result(settings=settings, course_root=course_root, notebook="", why=notebook)
    output = verdict_results(result).to_gradescope_dict(AutograderConfig(config))
    note = f"(Otter stopped with {reason}; cnngrader graded the submission directly.)"
    output["output"] = f"{output.get('output', '')}\n\n{note}"
    return dict(output)


def find_notebook(folder: Path, *, ignore: Iterable[str] = ()) -> Path | str:
    """The one notebook submitted, or why there is none to grade (``ignore``: files not the student's)."""
    found = sorted(p for p in _entries(folder) if p.name not in set(ignore))
    notebooks = [p for p in found if p.suffix == ".ipynb"]
    if len(notebooks) == 1:
        return notebooks[0]
    if notebooks:
        return "submit exactly one notebook; found " + ", ".join(p.name for p in notebooks)
    names = ", ".join(p.name for p in found)
    return "no notebook (.ipynb) in the submission" + (f"; found {names}" if names else "")


def _entries(folder: Path) -> list[Path]:
    return list(folder.iterdir()) if folder.is_dir() else []


def _plugin_config(config: dict[str, Any]) -> dict[str, Any]:
    for entry in config.get("plugins", []):
        if isinstance(entry, dict) and PLUGIN in entry:
            return dict(entry[PLUGIN])
    raise ValueError(f"otter_config.json does not configure {PLUGIN}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
