"""Zygote side: empty the writable places between submissions, whatever a child left there.

A child may leave folders without permissions, symlinks, or trees nested deeper than a path
can name or Python can recurse; the walk is iterative and moves its working directory down
and back up, so none of that stops it.
"""

from __future__ import annotations

import os
import stat


def wipe_folder(root: str) -> None:
    """Remove everything inside ``root``, but not ``root`` itself."""
    if not os.path.isdir(root):
        return
    saved = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.chdir(root)
        _empty_here()
    finally:
        os.fchdir(saved)
        os.close(saved)


def _empty_here() -> None:
    below: list[str] = []  # the names walked down from root, to climb back up
    while True:
        os.chmod(".", stat.S_IRWXU)  # the child may have taken away the rights needed to empty it
        subdir = _remove_files_until_a_folder()
        if subdir is not None:
            os.chmod(subdir, stat.S_IRWXU)  # a real folder: is_dir() did not follow links
            os.chdir(subdir)
            below.append(subdir)
        elif below:
            os.chdir("..")
            os.rmdir(below.pop())
        else:
            return


def _remove_files_until_a_folder() -> str | None:
    with os.scandir(".") as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                return entry.name
            os.unlink(entry.name)
    return None
