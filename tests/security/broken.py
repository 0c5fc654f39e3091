"""Files that are not the notebook they claim to be; each carries the right answers where it can,
so a reader that guesses its way through them would show up as points where there must be none."""

from __future__ import annotations

import json
import random

import nbformat

from .answers import correct_answers, release_nb
from .world import build_notebook


def _correct_json(assignment: str = "lab6") -> str:
    nb = build_notebook(assignment, correct_answers(assignment))
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("Résumé, naïve café: ünïcode"))
    return nbformat.writes(nb)


def _nbformat3() -> bytes:
    from nbformat import v3

    cells = [v3.new_code_cell(input=source) for source in correct_answers("lab6").values()]
    nb = v3.new_notebook(worksheets=[v3.new_worksheet(cells=cells)], metadata=v3.new_metadata(name="lab6"))
    return v3.writes_json(nb).encode()


def _without_sources() -> bytes:
    nb = json.loads(_correct_json())
    for cell in nb["cells"]:
        cell.pop("source", None)
    return json.dumps(nb).encode()


def _bad_cells() -> bytes:
    nb = json.loads(_correct_json())
    nb["cells"] = [42, "print('hi')", None, *nb["cells"]]
    return json.dumps(nb).encode()


def _fifty_megabytes() -> bytes:
    nb = nbformat.reads(_correct_json(), as_version=4)
    blob = "x" * (1 << 20)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=blob) for _ in range(2)]
    data = nbformat.writes(nb).encode()
    assert len(data) > 50 * 10**6, len(data)
    return data


def broken_files() -> dict[str, bytes]:
    text = _correct_json()
    release = nbformat.writes(release_nb("lab6"))
    return {
        "notjson": b"this is not a notebook {\n",
        "empty": b"",
        "blank": b"   \n\n ",
        "jsonobject": b'{"hello": "world"}',
        "jsonlist": b"[1, 2, 3]",
        "nbformat3": _nbformat3(),
        "nosource": _without_sources(),
        "badcells": _bad_cells(),
        "utf16": text.encode("utf-16"),
        "utf16nobom": text.encode("utf-16-le"),
        "latin1": text.encode("latin-1", errors="replace"),
        "truncated": text.encode()[: len(text) // 2],
        "deepjson": b"[" * 100_000 + b"]" * 100_000,
        "binary": random.Random(6).randbytes(4096),
        "nbformat5": release.replace('"nbformat": 4', '"nbformat": 5').encode(),
        "fifty_mb": _fifty_megabytes(),
    }
