"""A wheel of the cnngrader that is running, for an autograder to install (PEP 427, no build tools).

cnngrader is pure Python, so its wheel is its package folder plus the installed distribution's
metadata. Building it from what is installed works for an editable checkout and for an
installed wheel alike, needs neither setuptools nor a network, and ships exactly the code that
built and tested the autograder.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import zipfile
from pathlib import Path

import cnngrader
from cnngrader.errors import CourseError

DISTRIBUTION = "cnngrader"
TAG = "py3-none-any"
WHEEL_FILE = f"Wheel-Version: 1.0\nGenerator: cnngrader.otter.wheel\nRoot-Is-Purelib: true\nTag: {TAG}\n"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # the same files give the same wheel, byte for byte


def build_wheel(dest: Path) -> Path:
    """Write ``cnngrader-<version>-py3-none-any.whl`` into ``dest`` and return its path."""
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise CourseError("cnngrader is not installed as a distribution (pip install -e .)") from None
    info = f"{DISTRIBUTION}-{dist.version}.dist-info"
    files = package_files(Path(cnngrader.__file__).resolve().parent)
    files[f"{info}/METADATA"] = (dist.read_text("METADATA") or "").encode()
    files[f"{info}/WHEEL"] = WHEEL_FILE.encode()
    if entry_points := dist.read_text("entry_points.txt"):
        files[f"{info}/entry_points.txt"] = entry_points.encode()
    files[f"{info}/RECORD"] = record(files, f"{info}/RECORD")
    dest.mkdir(parents=True, exist_ok=True)
    wheel = dest / f"{DISTRIBUTION}-{dist.version}-{TAG}.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return wheel


def package_files(package: Path) -> dict[str, bytes]:
    """Every file of the package folder by its path in the wheel, compiled files left out."""
    out = {}
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            out[f"{package.name}/{path.relative_to(package).as_posix()}"] = path.read_bytes()
    return out


def record(files: dict[str, bytes], record_name: str) -> bytes:
    """The RECORD file: each file's sha256 and size, then RECORD itself without either."""
    lines = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files.items()]
    return ("\n".join([*lines, f"{record_name},,"]) + "\n").encode()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
