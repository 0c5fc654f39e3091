"""The report in a real headless browser (Debian's chromium, installed by tools/setup.sh), offline."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from cnngrader.analysis import write_report
from cnngrader.course import Course

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium")
# The machine's network is closed: nothing may try to reach out, and every run starts afresh.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")  # fmt: skip
HISTOGRAM_BLUE = (0x00, 0x72, 0xB2)


def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (tools/setup.sh installs Debian's)")
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module", params=["lab6", "quiz6"])
def report(
    request: pytest.FixtureRequest, graded_course: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp(f"report-{request.param}")
    return write_report(course=Course.open(graded_course), assignment=request.param, to=out) / "index.html"


def test_every_figure_loads_in_the_browser(report: Path, tmp_path: Path) -> None:
    done = chromium(report, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    images = len(re.findall(r"<img ", report.read_text()))
    assert images >= 2
    assert f'<body data-figures="{images}/{images}">' in done.stdout
    assert done.stdout.count('data-loaded="yes"') == images and 'data-loaded="no"' not in done.stdout


def test_the_screenshot_shows_the_figures(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = chromium(report, tmp_path / "profile", "--hide-scrollbars", "--window-size=1100,1400",
                    f"--screenshot={shot}")  # fmt: skip
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1100, 1400)
    blue = sum(
        1 for p in image.getdata() if all(abs(a - b) <= 8 for a, b in zip(p, HISTOGRAM_BLUE, strict=True))
    )
    assert blue > 2000, f"the histogram of the totals is not on screen ({blue} blue pixels)"
