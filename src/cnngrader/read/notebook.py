"""Parse a submission with nbformat; every way a file can be unreadable becomes a NotebookError."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from cnngrader.errors import NotebookError
from cnngrader.otter.plumbing import is_otter_plumbing
from cnngrader.read.ipython import to_python

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class CodeCell:
    """One code cell: its position among all cells, its grade id if nbgrader gave one, its code.

    ``read_only``: an nbgrader read-only cell (locked, neither graded nor an answer), such as a
    notebook's public checks. ``setup``: tagged ``setup``, a locked cell that prepares the
    notebook (draws a student's numbers, loads data) rather than checks an answer. ``demo``:
    tagged ``demo``, a cell that shows something (a figure, a table) and grades nothing.
    """

    index: int
    source: str
    grade_id: str | None = None
    read_only: bool = False
    setup: bool = False
    demo: bool = False

    @property
    def public_check(self) -> bool:
        """A read-only cell that checks answers: one that fails says what is wrong with them."""
        return self.read_only and not self.setup


@dataclass(frozen=True)
class NotebookCode:
    """What grading needs of a notebook: its code cells in order, and the parsed notebook."""

    path: Path
    cells: tuple[CodeCell, ...]
    notebook: NotebookNode


def read_notebook(path: Path, *, max_bytes: int = MAX_NOTEBOOK_BYTES) -> NotebookCode:
    """Read ``path`` or raise NotebookError saying, in plain words, what is wrong with the file."""
    path = Path(path)
    nb = parse_notebook(read_text(path, max_bytes=max_bytes), name=path.name)
    return NotebookCode(path=path, cells=code_cells(nb), notebook=nb)


def read_text(path: Path, *, max_bytes: int) -> str:
    if path.is_symlink():
        raise NotebookError(f"{path.name} is a symbolic link; submit the notebook file itself")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise NotebookError(
                f"{path.name} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit: "
                "clear all outputs (Kernel > Restart & Clear Output), save, and submit again"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotebookError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise NotebookError(f"{path} is a folder, not a notebook file") from None
    except PermissionError:
        raise NotebookError(f"{path} cannot be read (permission denied)") from None
    if not data.strip():
        raise NotebookError(f"{path.name} is empty (0 bytes of notebook): the upload may have failed")
    return decode(data, name=path.name)


def decode(data: bytes, *, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:64]:
        raise NotebookError(f"{name} is saved as UTF-16, not UTF-8: save it again from Jupyter")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError(
            f"{name} is not UTF-8 text (byte {exc.start} cannot be decoded): save it again from Jupyter"
        ) from None


def parse_notebook(text: str, *, name: str) -> NotebookNode:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{name} is not a notebook: it is not valid JSON "
            f"(line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise NotebookError(f"{name} is not a notebook: its JSON is nested too deeply to read") from None
    if not isinstance(raw, dict) or ("cells" not in raw and "worksheets" not in raw):
        raise NotebookError(f"{name} is JSON but not a Jupyter notebook (it has no 'cells')")
    major = raw.get("nbformat")
    if major != 4:
        raise NotebookError(
            f"{name} is in notebook format {major!r}; this course needs format 4: "
            "open it in a current Jupyter and save it again"
        )
    try:
        with warnings.catch_warnings():  # a missing cell id is nbformat's chore, not the student's
            warnings.simplefilter("ignore")
            nb: NotebookNode = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise NotebookError(f"{name} is not a valid notebook: {_first_line(exc.message)}") from None
    except Exception as exc:  # nbformat raises a zoo of types on malformed input
        raise NotebookError(f"{name} cannot be read as a notebook: {_first_line(str(exc))}") from None
    return nb


def code_cells(nb: NotebookNode) -> tuple[CodeCell, ...]:
    """The code cells in order, as plain Python, with their nbgrader grade ids.

    Otter's own cells (``grader.check(...)`` and the like) are left out: they grade nothing.
    """
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code" or is_otter_plumbing(cell.get("source", "")):
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        read_only = bool(meta.get("locked")) and not meta.get("grade") and not meta.get("solution")
        source = to_python(cell.get("source", ""))
        tags = cell.get("metadata", {}).get("tags") or ()
        cells.append(CodeCell(index=index, source=source, grade_id=meta.get("grade_id"), read_only=read_only,
                              setup="setup" in tags, demo="demo" in tags))  # fmt: skip
    return tuple(cells)


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "unknown problem"
    return line[:300]
