"""Both sides: empty the writable places between submissions (zygote), and remove a sandbox's
folder when it closes (trusted side), whatever a child left there.

A child may leave folders without permissions, symlinks, or trees nested deeper than a path
can name or Python can recurse; the walk is iterative and moves its working directory down
and back up, so none of that stops it.

Under bubblewrap the interpreter or this package may live below a wiped place (a checkout or a
virtualenv under ``/tmp``), bound read-only on top of the tmpfs: ``keep`` names such folders,
which stay, with the folders that lead to them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection


def wipe_folder(root: str, keep: Collection[str] = ()) -> None:
    """Remove everything inside ``root``, but not ``root`` itself nor the folders in ``keep``."""
    if not os.path.isdir(root):
        return
    saved = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.chdir(root)
        _empty_here(os.path.abspath(root), {os.path.abspath(k) for k in keep})
    finally:
        os.fchdir(saved)
        os.close(saved)


def remove_tree(root: str) -> None:
    """Remove ``root`` and everything in it, as deep as a child nested it; no error if it is gone.

    ``shutil.rmtree`` recurses, and a tree a thousand folders deep stops it with RecursionError.
    """
    try:
        wipe_folder(root)
        os.rmdir(root)
    except OSError:
        pass


def _empty_here(root: str, keep: set[str]) -> None:
    below: list[str] = []  # the names walked down from root, to climb back up
    staying: list[set[str]] = [set()]  # per level: folders kept, or on the way to one
    while True:
        os.chmod(".", stat.S_IRWXU)  # the child may have taken away the rights needed to empty it
        subdir = _remove_files_until_a_folder(staying[-1])
        if subdir is not None and os.path.join(root, *below, subdir) in keep:
            staying[-1].add(subdir)
        elif subdir is not None:
            os.chmod(subdir, stat.S_IRWXU)  # a real folder: is_dir() did not follow links
            os.chdir(subdir)
            below.append(subdir)
            staying.append(set())
        elif below:
            os.chdir("..")
            name, inside = below.pop(), staying.pop()
            if inside:
                staying[-1].add(name)
            else:
                os.rmdir(name)
        else:
            return


def _remove_files_until_a_folder(staying: set[str]) -> str | None:
    with os.scandir(".") as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in staying:
                    return entry.name
                continue
            os.unlink(entry.name)
    return None
