"""matplotlib's font list, built on the trusted side and handed to the zygote read-only.

Without it matplotlib would scan the fonts (and try to run ``fc-list``) in every fresh zygote.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def prepare_font_cache(dest: Path) -> None:
    """Copy the trusted side's ``fontlist-*.json`` into ``dest`` (building it once if needed)."""
    import matplotlib
    import matplotlib.font_manager

    dest.mkdir(parents=True, exist_ok=True)
    for path in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
        shutil.copyfile(path, dest / path.name)
