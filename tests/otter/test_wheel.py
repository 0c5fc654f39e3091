"""The wheel the autograder installs is a valid wheel of exactly the running cnngrader."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import cnngrader
from cnngrader.otter.wheel import build_wheel


def test_pip_installs_it_offline_and_it_imports_from_where_pip_put_it(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    assert wheel.name == f"cnngrader-{cnngrader.__version__}-py3-none-any.whl"
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target)]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)
    probe = "import cnngrader.otter.plugin, cnngrader.cli; print(cnngrader.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env={"PYTHONPATH": str(target)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(done.stdout.strip()).is_relative_to(target)
    assert (target / "bin" / "cnngrader").is_file()  # the console script, from entry_points.txt


def test_record_lists_every_file_with_its_hash_and_rebuilding_gives_the_same_bytes(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "a")
    assert wheel.read_bytes() == build_wheel(tmp_path / "b").read_bytes()
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        record = zf.read(next(n for n in names if n.endswith("/RECORD"))).decode().splitlines()
        listed = {}
        for line in record:
            name, digest, size = line.rsplit(",", 2)
            listed[name] = (digest, size)
        for name in names:
            if name.endswith("/RECORD"):
                continue
            data = zf.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert listed[name] == (f"sha256={expected}", str(len(data))), name
    assert set(listed) == set(names)
    assert not any("__pycache__" in n for n in names)
    assert "cnngrader/otter/plugin.py" in names and "cnngrader/py.typed" in names
