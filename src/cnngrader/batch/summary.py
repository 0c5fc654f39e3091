"""What a batch did, as a record (``BatchReport``) and as the table printed at its end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cnngrader.batch.state import Record, Status
from cnngrader.batch.sync import SyncReport
from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.course.assignments import Assignment
from cnngrader.report.terminal import terminal_safe
from cnngrader.report.text import fmt
from cnngrader.results import FAILING_CHECK, Outcome

BARS = "▁▂▃▄▅▆▇█"
ASCII_BARS = "_.-=+*#@"
MAX_PROBLEM = 110


@dataclass(frozen=True)
class ScoreChange:
    """A student whose score moved with this run, and the questions that moved it."""

    student: str
    before: float
    after: float
    questions: tuple[tuple[str, float], ...]
    reason: str

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class StudentNote:
    """One line about one student (an error, a timeout)."""

    student: str
    text: str


@dataclass(frozen=True)
class WorkerSummary:
    slot: int
    starts: int
    graded: int
    start_seconds: tuple[float, ...]
    peak_rss_kb: int
    sandbox_peak_rss_kb: int
    isolation: IsolationLevel | None
    stage_seconds: Mapping[str, float] = field(default_factory=dict)  # summed over what it graded


@dataclass(frozen=True)
class BatchReport:
    """The outcome of ``grade_assignment``: every current record, and what this run changed."""

    assignment: Assignment
    records: tuple[Record, ...]
    graded: tuple[str, ...]
    unchanged: int
    moved: tuple[ScoreChange, ...] = ()
    retried: tuple[str, ...] = ()
    seconds: float = 0.0
    workers: tuple[WorkerSummary, ...] = ()
    gradebook: SyncReport = field(default_factory=SyncReport)

    def record(self, student: str) -> Record:
        for r in self.records:
            if r.student == student:
                return r
        raise KeyError(student)

    @property
    def errors(self) -> tuple[StudentNote, ...]:
        """Students whose notebook could not be graded in full, with the first reason."""
        return tuple(
            StudentNote(r.student, _first_error(r, crashes(r) or r.result.errors))
            for r in self.records
            if crashes(r) or (r.result.errors and _not_graded(r))
        )

    @property
    def failing_checks(self) -> tuple[StudentNote, ...]:
        """Students who handed in a notebook whose public checks fail, with the first check's message."""
        return tuple(
            StudentNote(r.student, _first_error(r, checks)) for r in self.records if (checks := _checks(r))
        )

    @property
    def timeouts(self) -> tuple[StudentNote, ...]:
        out = []
        for r in self.records:
            slow = [q.id for q in r.result.questions if any(t.outcome is Outcome.TIMEOUT for t in q.tests)]
            cells = any("ran out of time" in e for e in r.result.errors)
            if slow or cells:
                out.append(StudentNote(r.student, ", ".join(slow) if slow else "a cell ran out of time"))
        return tuple(out)

    @property
    def isolation(self) -> dict[IsolationLevel, int]:
        return dict(Counter(r.result.isolation for r in self.records if r.status is Status.GRADED))


def render_summary(report: BatchReport, *, ascii_only: bool = False) -> str:
    lines = [headline(report), ""]
    lines += question_table(report, ascii_only=ascii_only)
    lines += notes("errors", report.errors)
    lines += notes("public checks failing as handed in", report.failing_checks)
    lines += notes("timeouts", report.timeouts)
    lines += moved_lines(report.moved)
    lines += workers_lines(report)
    lines += gradebook_lines(report.gradebook)
    return terminal_safe("\n".join(lines))


def headline(report: BatchReport) -> str:
    n = len(report.graded)
    per = f", {report.seconds / n:.3f} s per submission" if n else ""
    levels = ", ".join(f"{level} ({count})" if len(report.isolation) > 1 else level
                       for level, count in sorted(report.isolation.items())) or "none"  # fmt: skip
    return (
        f"{report.assignment.id}: {_students(len(report.records))} graded; {n} graded now, "
        f"{report.unchanged} unchanged ({report.seconds:.1f} s{per}); isolation: {levels}"
    )


def question_table(report: BatchReport, *, ascii_only: bool) -> list[str]:
    if not report.records:
        return ["no submissions"]
    spec = report.assignment
    rows = [
        (q.id, [r.scores().get(q.id, 0.0) for r in report.records], float(q.points)) for q in spec.questions
    ]
    rows.append(("total", [r.result.score for r in report.records], spec.max_score))
    width = max(len("question"), *(len(name) for name, _, _ in rows))
    means = [f"{fmt(round(sum(values) / len(values), 2))} / {fmt(top)}" for _, values, top in rows]
    mean_width = max(len("mean"), *map(len, means))
    out = [f"  {'question':<{width}}  {'mean':>{mean_width}}  distribution (0 to max, one bar per bin)"]
    for (name, values, top), mean in zip(rows, means, strict=True):
        bars = histogram(values, top, ascii_only=ascii_only)
        out.append(f"  {name:<{width}}  {mean:>{mean_width}}  0 {bars} {fmt(top)}")
    return out


def histogram(values: Sequence[float], top: float, *, ascii_only: bool = False) -> str:
    """A one-line histogram: one bin per point up to 12 points, else 10 equal bins."""
    if top <= 0 or not values:
        return ""
    integral = float(top).is_integer() and top <= 12 and all(float(v).is_integer() for v in values)
    bins = int(top) + 1 if integral else 10
    counts = [0] * bins
    for v in values:
        index = int(v) if integral else int(v / top * bins)
        counts[min(max(index, 0), bins - 1)] += 1
    bars = ASCII_BARS if ascii_only else BARS
    peak = max(counts)
    return "".join(" " if c == 0 else bars[min(len(bars) - 1, (c * len(bars) - 1) // peak)] for c in counts)


def notes(title: str, items: tuple[StudentNote, ...]) -> list[str]:
    if not items:
        return []
    width = max(len(n.student) for n in items)
    return ["", f"{title} ({len(items)}):"] + [f"  {n.student:<{width}}  {n.text}" for n in items]


def moved_lines(moved: tuple[ScoreChange, ...]) -> list[str]:
    if not moved:
        return []
    width = max(len(m.student) for m in moved)
    out = ["", f"scores moved ({_students(len(moved))}):"]
    for m in moved:
        detail = ", ".join(f"{q} {d:+g}" for q, d in m.questions)
        scores = f"{fmt(m.before):>5} -> {fmt(m.after):<5} ({m.delta:+g})"
        out.append(f"  {m.student:<{width}}  {scores}  {detail}  [{m.reason}]")
    return out


def workers_lines(report: BatchReport) -> list[str]:
    used = [w for w in report.workers if w.starts]
    if not used:
        return []
    starts = [s for w in used for s in w.start_seconds]
    peak = max(w.peak_rss_kb for w in used) / 1024
    sandbox = max(w.sandbox_peak_rss_kb for w in used) / 1024
    restarts = sum(w.starts for w in used) - len(used)
    line = f"workers: {len(used)}, ready in {max(starts, default=0):.1f} s, peak memory {peak:.0f} MB each"
    line += f" (+{sandbox:.0f} MB sandbox)" if sandbox >= 1 else ""
    line += f", {restarts} restarted" if restarts else ""
    counts = Counter(report.retried)
    names = [f"{s} ({n}x)" if n > 1 else s for s, n in sorted(counts.items())]
    retried = f"; retried: {', '.join(names)}" if names else ""
    return ["", line + retried]


def gradebook_lines(sync: SyncReport) -> list[str]:
    out = []
    if sync.synced:
        out.append(f"gradebook: {sync.synced} submissions written")
    out += [f"gradebook: {p}" for p in sync.problems]
    if sync.error:
        out.append(f"gradebook NOT updated: {sync.error}")
    return ["", *out] if out else []


def _students(n: int) -> str:
    return f"{n} student" if n == 1 else f"{n} students"


def _not_graded(record: Record) -> bool:
    return record.status is Status.FAILED and bool(record.grader_error.strip())


def crashes(record: Record) -> tuple[str, ...]:
    """The notebook's problems other than public checks it fails."""
    return tuple(e for e in record.result.errors if not e.startswith(FAILING_CHECK))


def _checks(record: Record) -> tuple[str, ...]:
    return tuple(e for e in record.result.errors if e.startswith(FAILING_CHECK))


def _first_error(record: Record, errors: tuple[str, ...]) -> str:
    """The first problem, in one line; for a submission not graded, why (for the TA, not the student)."""
    if _not_graded(record):
        return "not graded: " + record.grader_error.strip().splitlines()[0]
    text = " ".join(errors[0].split())
    more = len(errors) - 1
    text = text if len(text) <= MAX_PROBLEM else text[: MAX_PROBLEM - 3] + "..."
    return text + (f" (+{more} more)" if more else "")
