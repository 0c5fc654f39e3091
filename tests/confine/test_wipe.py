"""Between submissions the zygote empties every writable place, whatever a child left there."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cnngrader.confine.shared.wipe import wipe_folder


def test_everything_inside_goes_and_nothing_outside(tmp_path):
    root, outside = tmp_path / "scratch", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    (root / "file.txt").write_text("x")
    (root / "link").symlink_to(outside)
    (root / "link-file").symlink_to(outside / "keep.txt")
    os.mkfifo(root / "fifo")
    locked = root / "locked" / "inner"
    locked.mkdir(parents=True)
    (locked / "secret").write_text("x")
    os.chmod(locked, 0)
    os.chmod(root / "locked", 0)
    wipe_folder(str(root))
    assert os.listdir(root) == []
    assert (outside / "keep.txt").read_text() == "keep"


def test_trees_deeper_than_a_path_can_name(tmp_path):
    # On tmpfs, as under bubblewrap (and far faster than a journaling disk for 1,100 rmdirs).
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else str(tmp_path)
    root = Path(tempfile.mkdtemp(dir=memory))
    here = os.open(".", os.O_RDONLY)
    try:
        os.chdir(root)
        for _ in range(1100):  # deeper than the recursion limit, longer than PATH_MAX
            os.mkdir("dddd")
            os.chdir("dddd")
        open("bottom", "w").close()
    finally:
        os.fchdir(here)
        os.close(here)
    wipe_folder(str(root))
    assert os.listdir(root) == []
    assert os.getcwd() != str(root)
    root.rmdir()


def test_kept_folders_and_the_way_to_them_stay(tmp_path):
    root = tmp_path / "tmp"
    kept = root / "checkout" / "src" / "cnngrader"
    kept.mkdir(parents=True)
    (kept / "module.py").write_text("x = 1")
    (root / "checkout" / "stray.txt").write_text("x")
    (root / "checkout" / "src" / "other").mkdir()
    (root / "junk").mkdir()
    wipe_folder(str(root), keep=[str(kept)])
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        "checkout", "checkout/src", "checkout/src/cnngrader", "checkout/src/cnngrader/module.py"]


def test_a_sandbox_closes_cleanly_after_a_child_nested_folders_past_the_recursion_limit():
    """The trusted side removes its folder without recursing: shutil.rmtree raised RecursionError on
    what a hostile last submission left, and the folder stayed on the host."""
    from cnngrader.confine import Limits, Sandbox

    box = Sandbox.start(limits=Limits(cell_seconds=20.0, notebook_seconds=60.0))
    workdir = Path(box._workdir)
    run = box.run(["import os\nfor _ in range(1100):\n    os.mkdir('d')\n    os.chdir('d')\ndepth = 1100"])
    assert run.value("depth") == 1100
    run.close()
    box.close()
    assert not workdir.exists()
