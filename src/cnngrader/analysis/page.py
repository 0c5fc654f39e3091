"""The report as one self-contained HTML page: figures inline as PNG data, every string escaped.

The page opens from disk with no network (its Content-Security-Policy forbids any), and marks
each figure ``data-loaded="yes"`` once the browser has decoded it, so a test can tell.
Student text (failure messages, answers) is escaped like everything else.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterable, Sequence
from html import escape

from cnngrader.analysis import figures
from cnngrader.analysis.choices import AnswerKind, AnswerStats
from cnngrader.analysis.failures import MessageGroup, TestStats
from cnngrader.analysis.findings import Findings, QuestionDetail
from cnngrader.analysis.items import GOOD, MARGINAL, MIN_SPREAD, VERY_EASY, VERY_GOOD, VERY_HARD, ItemStats
from cnngrader.analysis.stats import MIN_STUDENTS, ROUGH_BELOW, Statistic
from cnngrader.analysis.students import StudentIssue
from cnngrader.results import Outcome

MAX_MESSAGE = 600
MAX_ISSUES = 200

POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem;
       color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
nav ul { columns: 3; padding-left: 1.2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { text-align: left; vertical-align: top; padding: .25rem .55rem; border-bottom: 1px solid #e5e5e5; }
th { background: #f3f3f3; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: .8rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .85rem; color: #555; }
pre { white-space: pre-wrap; margin: 0; font-size: .85rem; font-family: ui-monospace, monospace; }
.note { background: #fff6e5; border-left: 4px solid #e0b050; padding: .4rem .8rem; margin: .6rem 0; }
.meta { color: #555; font-size: .9rem; }
.bad { color: #b42318; font-weight: 600; } .warn { color: #8a5a00; } .ok { color: #1a7f37; }
dl dt { font-weight: 600; margin-top: .5rem; }
.side { display: flex; flex-wrap: wrap; gap: 0 1.5rem; align-items: flex-start; }
"""

# Marks each figure once decoded; the body's data-figures says how many of how many loaded.
SCRIPT = """
window.addEventListener("load", function () {
  var images = document.querySelectorAll("img"), loaded = 0;
  images.forEach(function (img) {
    var ok = img.complete && img.naturalWidth > 0;
    img.setAttribute("data-loaded", ok ? "yes" : "no");
    if (ok) { loaded += 1; }
  });
  document.body.setAttribute("data-figures", loaded + "/" + images.length);
});
"""

OUTCOME_COLUMNS = (Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT, Outcome.NOT_ATTEMPTED)


def render_page(findings: Findings) -> str:
    """The whole page."""
    title = f"{findings.assignment}: item analysis"
    body = [
        f"<h1>{escape(title)}</h1>",
        _intro(findings),
        _contents(findings),
        _total_section(findings),
        _items_section(findings),
        *(_question_section(q, findings) for q in findings.questions),
        _issues_section(findings.issues),
        _method_section(),
    ]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        f"<script>{SCRIPT}</script>",
        "</head><body>",
        *(b for b in body if b),
        "</body></html>",
    ]) + "\n"  # fmt: skip


# --- sections ---------------------------------------------------------------------------------


def _intro(f: Findings) -> str:
    first, last = f.graded
    until = f" to {_day(last)}" if _day(last) != _day(first) else ""
    when = f", graded {_day(first)}{until}" if first else ""
    out = [f'<p class="meta">{_count(f.students, "student")} with a record{escape(when)}. '
           "Computed from the grading records: nothing was regraded.</p>"]  # fmt: skip
    notes = []
    if f.ungraded:
        notes.append(
            f"{_count(len(f.ungraded), 'submission')} without a record yet, not counted here "
            f"({_names(f.ungraded)}): run <code>cnngrader grade {escape(f.assignment)}</code>."
        )
    if f.with_answers < f.students:
        notes.append(f"{_count(f.students - f.with_answers, 'record')} of {f.students} kept no answers "
                     "(graded before cnngrader kept them, or their grading failed), so option and answer "
                     f"counts leave them out; <code>cnngrader grade {escape(f.assignment)} --force</code> "
                     "records them.")  # fmt: skip
    if f.students < MIN_STUDENTS:
        notes.append(
            f"With {_count(f.students, 'student')}, there is too little data for discrimination "
            f"or reliability (they need at least {MIN_STUDENTS}); means and counts still hold."
        )
    elif f.students < ROUGH_BELOW:
        notes.append(
            f"With {f.students} students, discrimination values are rough: one student more or "
            "less can move them by a tenth or more. Read them as hints, not verdicts."
        )
    out += [f'<p class="note">{n}</p>' for n in notes]
    return "\n".join(out)


def _contents(f: Findings) -> str:
    links = [("total", "Total scores"), ("items", "Questions at a glance")]
    links += [(_anchor(q.item.question), f"Question {q.item.question}") for q in f.questions]
    links += [("students", "Students with errors or timeouts"), ("method", "How to read this page")]
    items = "".join(f'<li><a href="#{escape(a)}">{escape(t)}</a></li>' for a, t in links)
    return f'<nav aria-label="Contents"><ul>{items}</ul></nav>'


def _total_section(f: Findings) -> str:
    t = f.total
    rows = [("students", f"{f.students}"), ("mean", f"{t.mean:.2f} / {t.max_score:g}"),
            ("median", f"{t.median:g}"), ("standard deviation", f"{t.sd:.2f}"),
            ("lowest", f"{min(t.scores):g}"), ("highest", f"{max(t.scores):g}"),
            ("reliability (Cronbach's alpha)", _statistic(t.alpha))]  # fmt: skip
    table = _table("The totals", ("", "value"), [[escape(k), escape(v)] for k, v in rows], header_column=True)
    plot = figures.total_histogram(t)
    return "\n".join([
        '<section id="total" aria-labelledby="total-h"><h2 id="total-h">Total scores</h2>',
        '<div class="side">', _figure(plot, "Distribution of the totals; the dashed line is the mean."),
        table, "</div></section>",
    ])  # fmt: skip


def _items_section(f: Findings) -> str:
    head = ("question", "points", "mean", "difficulty", "discrimination", "students", "not attempted",
            "errors", "reading")  # fmt: skip
    rows = [_item_row(i) for i in f.items]
    plot = figures.item_map(f.items)
    missing = [i for i in f.items if i.discrimination.value is None]
    caption = (f"Each question by difficulty and discrimination, over the usual guideline regions: "
               f"below {MARGINAL:g} revise, below 0 the question misleads.")  # fmt: skip
    if missing:
        caption += " Not shown: " + "; ".join(f"{i.question} ({i.discrimination.why})" for i in missing) + "."
    parts = [
        '<section id="items" aria-labelledby="items-h"><h2 id="items-h">Questions at a glance</h2>',
        _look_first(f.items),
        _table("Per question (the same numbers as items.csv)", head, rows, numeric=range(1, 8)),
        _figure(plot, caption) if plot else f'<p class="note">No scatter plot: {escape(caption)}</p>',
        "</section>",
    ]
    return "\n".join(parts)


def _look_first(items: Sequence[ItemStats]) -> str:
    flagged = [i for i in items if i.judged and (i.discrimination.value or 0.0) < MARGINAL]
    unsure = [i for i in items if i.discrimination.value is not None and not i.judged]
    out = []
    if flagged:
        flagged.sort(key=lambda i: i.discrimination.value or 0.0)
        lines = "".join(f"<li>{_link(i.question)}: {escape(i.reading)} (r = {i.discrimination.value:.2f}, "
                        f"difficulty {_share(i.difficulty)})</li>" for i in flagged)  # fmt: skip
        out.append(f"<p><strong>Look at these first</strong> (discrimination below {MARGINAL:g}):</p>"
                   f"<ul>{lines}</ul>")  # fmt: skip
    if unsure:
        names = ", ".join(f"{_link(i.question)} ({i.spread})" for i in unsure)
        out.append(f"<p>Too few students scored differently from the rest to judge discrimination "
                   f"(fewer than {MIN_SPREAD}; how many in brackets): {names}. Their r is shown but "
                   "says more about those few students than about the question.</p>")  # fmt: skip
    return "\n".join(out)


def _item_row(i: ItemStats) -> list[str]:
    r = i.discrimination
    shown = (
        f'<span class="warn">n/a: {escape(r.why)}</span>'
        if r.value is None
        else (f"{r.value:.2f}" if i.judged else f'<span class="meta">({r.value:.2f})</span>')
    )
    return [
        _link(i.question),
        f"{i.max_score:g}", f"{i.mean:.2f}", _share(i.difficulty), shown, str(i.students),
        str(i.not_attempted), str(i.errors), _reading(i),
    ]  # fmt: skip


def _question_section(q: QuestionDetail, f: Findings) -> str:
    i = q.item
    anchor = _anchor(i.question)
    r = i.discrimination
    summary = (f"Mean {i.mean:.2f} of {i.max_score:g} (difficulty {_share(i.difficulty)}); "
               f"{i.full} of {i.students} with every point; discrimination "
               + (f"{r.value:.2f}" if r.value is not None else f"n/a ({r.why})"))  # fmt: skip
    parts = [
        f'<section id="{escape(anchor)}" aria-labelledby="{escape(anchor)}-h">',
        f'<h2 id="{escape(anchor)}-h">Question {escape(i.question)}</h2>',
        f"<p>{escape(summary)}. {_reading(i)}</p>",
        _tests_part(i.question, q.tests),
        _messages_part(q.messages, q.message_kinds, len(q.tests)),
        _answers_part(q.answers, f) if q.answers else "",
        "</section>",
    ]
    return "\n".join(p for p in parts if p)


def _tests_part(question: str, tests: Sequence[TestStats]) -> str:
    if not tests:
        return "<p>No hidden test ran for this question (every notebook failed before it).</p>"
    head = ("test", "points", "ran for", *(figures.OUTCOME_WORDS[o] for o in OUTCOME_COLUMNS), "did not pass")
    rows = [[escape(t.name), f"{t.max_score:g}", str(t.ran), *(str(t.count(o)) for o in OUTCOME_COLUMNS),
             f"{t.failure_rate:.0%}"] for t in tests]  # fmt: skip
    table = _table(f"Outcomes of the tests of {question}", head, rows, numeric=range(1, len(head)))
    if len(tests) == 1:  # a chart of one bar says no more than its row
        return f"<h3>Hidden test</h3>\n{table}"
    plot = figures.test_outcomes(question, tests)
    caption = "Outcomes of each hidden test, as shares of the students it ran for."
    return "\n".join(["<h3>Hidden tests</h3>", _figure(plot, caption), table])


def _messages_part(groups: Sequence[MessageGroup], kinds: int, tests: int) -> str:
    if not groups:
        return "<p>No failure messages: every test that ran passed.</p>"
    rows = [[str(g.students), str(g.times), f"<pre>{escape(_cap(g.example))}</pre>"
             f'<span class="meta">{escape(_said(g, tests))}</span>'] for g in groups]  # fmt: skip
    rest = f" Showing the {len(groups)} most common of {kinds} kinds." if kinds > len(groups) else ""
    return "\n".join([
        "<h3>Most common failure messages</h3>",
        f'<p class="meta">Messages that differ only in numbers count as one kind '
        f"(hidden inputs are drawn per student).{rest}</p>",
        _table("Failure messages, most students first", ("students", "times", "message (an example)"),
               rows, numeric=(0, 1)),
    ])  # fmt: skip


def _said(g: MessageGroup, tests: int) -> str:
    """Where a kind of message was said, and in how many wordings."""
    where = f"in every test ({tests})" if tests > 1 and len(g.tests) == tests else "in: " + ", ".join(g.tests)
    wordings = f"; {g.variants} wordings that differ only in numbers" if g.variants > 1 else ""
    return f"{figures.OUTCOME_WORDS[g.outcome]} {where}{wordings}"


def _answers_part(a: AnswerStats, f: Findings) -> str:
    missing = f" No answer was recorded for {_count(a.missing, 'student')}." if a.missing else ""
    if a.kind is AnswerKind.VALUE:
        return "\n".join([
            "<h3>Most common answers</h3>",
            f'<p class="meta">{a.answered} answers, {a.distinct} different.{escape(missing)}</p>',
            _answer_table(a),
        ])  # fmt: skip
    what, participle = ("chose", "chosen") if a.kind is AnswerKind.CHOICE else ("ticked", "ticked")
    rows = [[escape(o.option), str(o.chosen), _percent(o.chosen, a.answered),
             f"{o.credited} of {o.chosen}", f"{o.rest_mean:.1f}" if o.rest_mean is not None else "–"]
            for o in a.options]  # fmt: skip
    other = f" {a.other} answers were not letters." if a.other else ""
    head = ("option", f"students who {what} it", "share", "of them with the points",
            f"their mean on the rest (of {f.total.max_score - _points(a, f):g})")  # fmt: skip
    kind = "one option" if a.kind is AnswerKind.CHOICE else "any number of options"
    parts = [
        "<h3>Options chosen</h3>",
        f'<p class="meta">A multiple-choice question ({kind}); {a.answered} answers.'
        f"{escape(other + missing)} "
        "Green: an option in answers that got the points; orange: one that only wrong answers chose. A "
        "wrong option chosen by students who did well elsewhere is a distractor that misleads. The records "
        "hold answers, not the question's options: an option after the last letter anyone chose is not "
        "listed.</p>",
        _figure(figures.option_chart(a), f"How often each option of {a.question} was {participle}."),
        _table(f"Options of {a.question}", head, rows, numeric=range(1, 5)),
    ]
    if a.kind is AnswerKind.MULTI:
        parts.append(_answer_table(a, "Most common selections"))
    return "\n".join(parts)


def _answer_table(a: AnswerStats, caption: str = "Answers, most common first") -> str:
    rows = [[f"<code>{escape(c.answer)}</code>", str(c.students), f"{c.credited} of {c.students}"]
            for c in a.answers]  # fmt: skip
    return _table(caption, ("answer", "students", "with the points"), rows, numeric=(1, 2))


def _issues_section(issues: Sequence[StudentIssue]) -> str:
    head = ('<section id="students" aria-labelledby="students-h">'
            '<h2 id="students-h">Students with errors or timeouts</h2>')  # fmt: skip
    if not issues:
        return f"{head}<p>None: every notebook ran without an error or a timeout.</p></section>"
    timeouts = sum(1 for i in issues if i.timed_out)
    shown = issues[:MAX_ISSUES]
    rows = [[escape(i.student), f"{i.score:g}", escape(", ".join(i.errors)) or "–",
             escape(", ".join(i.timeouts)) or ("a cell" if i.timed_out else "–"),
             f"<pre>{escape(i.first)}</pre>" + (f'<span class="meta">(+{i.count - 1} more)</span>'
                                                 if i.count > 1 else "")] for i in shown]  # fmt: skip
    more = f" Showing the first {MAX_ISSUES} by name." if len(issues) > MAX_ISSUES else ""
    return "\n".join([
        head,
        f"<p>{_count(len(issues), 'student')}, {timeouts} of them with a timeout.{more} Their feedback "
        "and records say more.</p>",
        _table("Errors and timeouts by student", ("student", "score", "errors in", "timed out in",
                                                   "first problem in the notebook"), rows, numeric=(1,)),
        "</section>",
    ])  # fmt: skip


def _method_section() -> str:
    return f"""<section id="method" aria-labelledby="method-h">
<h2 id="method-h">How to read this page</h2><dl>
<dt>Difficulty</dt><dd>The mean score on a question as a share of its points (the classical p-value):
1 means everyone got every point, so higher is easier. Above {VERY_EASY:g} a question is very easy and
below {VERY_HARD:g} very hard; either way it tells little about who understood.</dd>
<dt>Discrimination</dt><dd>The corrected item-total correlation: Pearson's r between the scores on the
question and each student's total on the <em>other</em> questions (for a right-or-wrong question this is
the point-biserial correlation). It is not the upper-lower 27% index. Guidelines (Ebel):
{VERY_GOOD:g} and above very good, {GOOD:g} to {VERY_GOOD:g} good, {MARGINAL:g} to {GOOD:g} marginal,
below {MARGINAL:g} poor (revise), below 0 the question misleads: students who did better elsewhere did
worse on it. It needs at least {MIN_STUDENTS} students and scores that vary; below {ROUGH_BELOW}
students it is rough.</dd>
<dt>Reliability</dt><dd>Cronbach's alpha over the questions: how consistently they rank the students
(0.7 and above is usual for a test that grades).</dd>
<dt>Not attempted, errors</dt><dd>A question is not attempted when every one of its tests found the
unchanged stub; it has an error when one of its tests ended in an error or a timeout, or when no test
could run for it (a notebook that could not be read).</dd>
<dt>Failure messages</dt><dd>What the hidden tests told the students, grouped when they differ only in
numbers.</dd>
<dt>Options and answers</dt><dd>What the hidden tests read from the notebook, as the grading records
keep it. A question is treated as multiple choice when most answers are letters.</dd>
</dl></section>"""


# --- pieces -------------------------------------------------------------------------------------


def _figure(plot: figures.Plot, caption: str) -> str:
    width, height = _png_size(plot.png)
    data = base64.b64encode(plot.png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="{escape(plot.alt)}"><figcaption>{escape(caption)}</figcaption></figure>')  # fmt: skip


def _table(
    caption: str,
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Iterable[int] = (),
    header_column: bool = False,
) -> str:
    """A table whose cells are HTML already; ``numeric`` columns are right-aligned."""
    right = set(numeric)
    ths = "".join(f'<th scope="col"{_cls(k in right)}>{escape(h)}</th>' for k, h in enumerate(head))
    body = []
    for row in rows:
        cells = [f'<th scope="row">{c}</th>' if k == 0 and header_column
                 else f"<td{_cls(k in right)}>{c}</td>" for k, c in enumerate(row)]  # fmt: skip
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{ths}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")  # fmt: skip


def _reading(i: ItemStats) -> str:
    text = i.reading
    r = i.discrimination.value if i.judged else None
    css = "meta" if r is None else "bad" if r < MARGINAL else "warn" if r < GOOD else "ok"
    return f'<span class="{css}">{escape(text)}</span>' if text else ""


def _statistic(s: Statistic) -> str:
    return f"{s.value:.2f}" if s.value is not None else f"n/a: {s.why}"


def _points(a: AnswerStats, f: Findings) -> float:
    return next(q.item.max_score for q in f.questions if q.item.question == a.question)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk follows the 8-byte signature
    return int(width), int(height)


def _link(question: str) -> str:
    return f'<a href="#{escape(_anchor(question))}">{escape(question)}</a>'


def _anchor(question: str) -> str:
    return f"q-{question}"


def _percent(k: int, n: int) -> str:
    return f"{k / n:.0%}" if n else "–"


def _share(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _cls(right: bool) -> str:
    return ' class="n"' if right else ""


def _cap(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _names(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(escape(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _day(stamp: str) -> str:
    return stamp[:10]
