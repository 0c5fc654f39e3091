"""The report's figures: matplotlib (Agg, no pyplot state) to PNG bytes, each with its alt text.

Colours are the Okabe-Ito palette, which stays distinguishable with the common colour-vision
deficiencies; every figure also has a table on the page, so none is the only way to read it.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from cnngrader.analysis.choices import AnswerKind, AnswerStats
from cnngrader.analysis.failures import TestStats
from cnngrader.analysis.findings import TotalStats
from cnngrader.analysis.items import GOOD, MARGINAL, MIN_SPREAD, VERY_EASY, VERY_HARD, ItemStats
from cnngrader.results import Outcome

DPI = 100
WIDTH = 7.5  # inches: 750 pixels, the page's column
OUTCOME_COLOURS = {
    Outcome.PASSED: "#009E73",
    Outcome.FAILED: "#D55E00",
    Outcome.ERROR: "#CC79A7",
    Outcome.TIMEOUT: "#E69F00",
    Outcome.NOT_ATTEMPTED: "#999999",
}
OUTCOME_WORDS = {
    Outcome.PASSED: "passed",
    Outcome.FAILED: "failed",
    Outcome.ERROR: "error",
    Outcome.TIMEOUT: "timed out",
    Outcome.NOT_ATTEMPTED: "not attempted",
}
BLUE, GREY, GREEN, VERMILION = "#0072B2", "#BBBBBB", "#009E73", "#D55E00"
MAX_LABEL = 48
LABEL_SIZE = 9
# Where a point's label may go, in pixels from the point, in order of preference.
LABEL_PLACES = ((7, 0, "left", "center"), (-7, 0, "right", "center"), (0, 7, "center", "bottom"),
                (0, -7, "center", "top"), (6, 6, "left", "bottom"), (-6, 6, "right", "bottom"),
                (6, -6, "left", "top"), (-6, -6, "right", "top"), (7, 16, "left", "bottom"),
                (-7, 16, "right", "bottom"), (7, -16, "left", "top"), (-7, -16, "right", "top"))  # fmt: skip


@dataclass(frozen=True)
class Plot:
    """A rendered figure and the words that stand for it."""

    png: bytes
    alt: str


def total_histogram(total: TotalStats) -> Plot:
    fig = Figure(figsize=(6.0, 2.8), dpi=DPI, layout="constrained")  # beside the table of the totals
    ax = fig.add_subplot()
    top = total.max_score
    ax.hist(total.scores, bins=_bins(total.scores, top), color=BLUE, edgecolor="white")
    ax.axvline(total.mean, color="black", linestyle="--", linewidth=1)
    ax.annotate(f"mean {total.mean:.2f}", (total.mean, 1), xycoords=("data", "axes fraction"),
                xytext=(-4, -4), textcoords="offset points", ha="right", va="top")  # fmt: skip
    ax.set_xlim(-0.5 if top <= 60 else 0, top + (0.5 if top <= 60 else 0))
    ax.set_xlabel(f"total score (of {top:g})")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    n = len(total.scores)
    alt = (f"Histogram of the totals of {n} student{'s' if n != 1 else ''} out of {top:g}: "
           f"mean {total.mean:.1f}, median {total.median:g}, lowest {min(total.scores):g}, "
           f"highest {max(total.scores):g}.")  # fmt: skip
    return Plot(_png(fig), alt)


def item_map(items: Sequence[ItemStats]) -> Plot | None:
    """Difficulty against discrimination, over the guideline regions; None if no item has both."""
    shown = [i for i in items if i.difficulty is not None and i.discrimination.value is not None]
    if not shown:
        return None
    fig = Figure(figsize=(WIDTH, 4.6), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    low = min(-0.2, min(_r(i) for i in shown) - 0.1)
    _regions(ax, low)
    styles = ((True, "black", "black", "judged"),
              (False, "white", "#555555", f"rests on fewer than {MIN_SPREAD} students"))  # fmt: skip
    for judged, face, edge, label in styles:
        some = [i for i in shown if i.judged is judged]
        if some:
            xs, ys = [i.difficulty or 0.0 for i in some], [_r(i) for i in some]
            ax.scatter(xs, ys, zorder=3, s=24, label=label, facecolors=face, edgecolors=edge)
    if any(not i.judged for i in shown):
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize=8, frameon=False)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(low, 1)
    ax.set_xlabel("difficulty: mean score as a share of the points (higher is easier)")
    ax.set_ylabel("discrimination (item-rest r)")
    _label_points(fig, ax, [(i.question, i.difficulty or 0.0, _r(i)) for i in shown])
    revise = [i.question for i in shown if i.judged and _r(i) < MARGINAL]
    unsure = [i.question for i in shown if not i.judged]
    alt = (
        f"Scatter plot of difficulty against discrimination for {len(shown)} questions. "
        + (
            f"Below the revise line ({MARGINAL}): {', '.join(revise)}."
            if revise
            else f"None with enough data is below the revise line ({MARGINAL})."
        )
        + (f" Too few students to judge: {', '.join(unsure)}." if unsure else "")
        + " Points: "
        + "; ".join(f"{i.question} ({i.difficulty:.2f}, {_r(i):.2f})" for i in shown)
        + "."
    )
    return Plot(_png(fig), alt)


def test_outcomes(question: str, tests: Sequence[TestStats]) -> Plot:
    """One bar per hidden test, split by outcome, as shares of the students it ran for."""
    fig = Figure(figsize=(WIDTH, 0.9 + 0.38 * len(tests)), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    labels = [_short(t.name) for t in tests]
    y = list(range(len(tests)))[::-1]
    left = [0.0] * len(tests)
    for outcome in Outcome:
        shares = [t.count(outcome) / t.ran if t.ran else 0.0 for t in tests]
        ax.barh(y, shares, left=left, color=OUTCOME_COLOURS[outcome], label=OUTCOME_WORDS[outcome],
                height=0.7)  # fmt: skip
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of the students the test ran for")
    ax.legend(ncols=5, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    rates = "; ".join(f"{t.name}: {t.failure_rate:.0%} did not pass" for t in tests)
    return Plot(_png(fig), f"Bar chart of the outcomes of the {len(tests)} tests of {question}. {rates}.")


def option_chart(answers: AnswerStats) -> Plot:
    """How often each option was chosen: green if an answer with the points chose it, else orange."""
    options = answers.options
    fig = Figure(figsize=(min(WIDTH, 1.6 + 0.7 * len(options)), 2.6), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    colours = [GREEN if o.credited else VERMILION if o.chosen else GREY for o in options]
    bars = ax.bar([_short(o.option, 12) for o in options], [o.chosen for o in options], color=colours)
    ax.bar_label(bars, fontsize=8)
    ax.set_ylabel("students" if answers.kind is AnswerKind.CHOICE else "students who ticked it")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.15)
    ax.spines[["top", "right"]].set_visible(False)
    counts = ", ".join(f"{o.option} {o.chosen}" for o in options)
    what = "chosen" if answers.kind is AnswerKind.CHOICE else "ticked"
    return Plot(_png(fig), f"Bar chart of how often each option of {answers.question} was {what}: {counts}.")


def _regions(ax: Axes, low: float) -> None:
    """The guideline regions, shaded and labelled."""
    bands = [(low, 0.0, "#F4C7B8", "misleads"), (0.0, MARGINAL, "#FBE3C6", "poor: revise"),
             (MARGINAL, GOOD, "#FFF4C2", "marginal"), (GOOD, 1.0, "#DDF0E7", "good")]  # fmt: skip
    for bottom, top, colour, label in bands:
        ax.axhspan(bottom, top, color=colour, zorder=0)
        ax.text(0.012, (bottom + top) / 2, label, va="center", fontsize=8, color="#444444",
                transform=ax.get_yaxis_transform())  # fmt: skip
    for x, label, ha in ((VERY_HARD, "very hard", "right"), (VERY_EASY, "very easy", "left")):
        ax.axvline(x, color="#666666", linestyle=":", linewidth=1, zorder=1)
        ax.text(x + (0.01 if ha == "left" else -0.01), 0.98, label, ha=ha, va="top", fontsize=8,
                color="#444444", transform=ax.get_xaxis_transform())  # fmt: skip


def _label_points(fig: Figure, ax: Axes, points: Sequence[tuple[str, float, float]]) -> None:
    """Label each point where its label covers no other label or point (greedy, in pixels)."""
    fig.draw_without_rendering()  # the layout is final: data -> pixels is what will be drawn
    at = [tuple(ax.transData.transform((x, y))) for _, x, y in points]
    taken = [(px - 4, py - 4, px + 4, py + 4) for px, py in at]
    frame = ax.get_window_extent()
    char, line = LABEL_SIZE * DPI / 72 * 0.62, LABEL_SIZE * DPI / 72 * 1.25
    for (label, x, y), (px, py) in zip(points, at, strict=True):
        best = None
        for dx, dy, ha, va in LABEL_PLACES:
            box = _box(px + dx, py + dy, len(label) * char, line, ha, va)
            cost = sum(_overlap(box, t) for t in taken) + _outside(box, frame.extents)
            if best is None or cost < best[0]:
                best = (cost, box, dx, dy, ha, va)
            if cost == 0:
                break
        assert best is not None
        _, box, dx, dy, ha, va = best
        taken.append(box)
        ax.annotate(label, (x, y), xytext=(dx * 72 / DPI, dy * 72 / DPI), textcoords="offset points",
                    fontsize=LABEL_SIZE, ha=ha, va=va, zorder=4)  # fmt: skip


def _box(x: float, y: float, w: float, h: float, ha: str, va: str) -> tuple[float, float, float, float]:
    left = x - w if ha == "right" else x - w / 2 if ha == "center" else x
    bottom = y - h if va == "top" else y - h / 2 if va == "center" else y
    return left, bottom, left + w, bottom + h


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _outside(box: tuple[float, ...], frame: tuple[float, ...]) -> float:
    inside = _overlap(box, frame)
    return ((box[2] - box[0]) * (box[3] - box[1]) - inside) * 10


def _bins(scores: Sequence[float], top: float) -> list[float]:
    if top <= 60 and float(top).is_integer():
        return [k - 0.5 for k in range(int(top) + 2)]
    step = top / 20 if top > 0 else 1.0
    return [k * step for k in range(21)] if top > 0 else [min(scores) - 0.5, max(scores) + 0.5]


def _short(text: str, width: int = MAX_LABEL) -> str:
    return textwrap.shorten(text, width, placeholder="…") if len(text) > width else text


def _r(item: ItemStats) -> float:
    value = item.discrimination.value
    return value if value is not None else math.nan


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    FigureCanvasAgg(fig).print_png(out, metadata={"Software": None})
    return out.getvalue()
