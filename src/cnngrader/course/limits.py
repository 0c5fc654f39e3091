"""A course's limits, from its ``nbgrader_config.py``, read the way nbgrader reads it.

``c.Execute.timeout`` (nbgrader's own per-cell limit for ``autograde``) is the per-cell wall
limit here too, so one setting governs both graders. The other limits of
:class:`~cnngrader.confine.Limits` can be set in a ``Cnngrader`` section::

    c.Cnngrader.notebook_seconds = 120
    c.Cnngrader.probe_seconds = 10

Anything not set keeps cnngrader's default.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from cnngrader.confine.limits import Limits
from cnngrader.errors import CnngraderError, CourseError

CONFIG_FILE = "nbgrader_config.py"
SECTION = "Cnngrader"


def course_limits(course_root: Path, base: Limits | None = None) -> Limits:
    """``base`` (cnngrader's defaults) with the course's settings applied."""
    base = base or Limits()
    config = _load(Path(course_root))
    changes: dict[str, Any] = {}
    execute = config.get("Execute", {})
    if "timeout" in execute and execute["timeout"] is not None:
        changes["cell_seconds"] = execute["timeout"]
    own = config.get(SECTION, {})
    known = {f.name for f in dataclasses.fields(Limits)}
    unknown = sorted(set(own) - known)
    if unknown:
        raise CourseError(f"{CONFIG_FILE}: unknown setting {SECTION}.{unknown[0]} "
                          f"(known: {', '.join(sorted(known))})")
    changes.update(own)
    try:
        return dataclasses.replace(base, **changes)
    except CnngraderError as exc:
        raise CourseError(f"{CONFIG_FILE}: {exc}") from None


def _load(course_root: Path) -> Any:
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    loader = PyFileConfigLoader(CONFIG_FILE, path=str(course_root))
    try:
        return loader.load_config()
    except ConfigFileNotFound:
        return {}
    except Exception as exc:  # the instructor's file: say which and why
        why = f"{type(exc).__name__}: {exc}"
        raise CourseError(f"{course_root / CONFIG_FILE} could not be read: {why}") from None
