"""Reports of graded answers, in Markdown and in self-contained HTML (a Jinja template with
inline CSS and SVG, no external assets): overall and per-topic averages, the score distribution,
and every answer with its grade and feedback. Batch grading and the interview session export
both render through here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup
from pydantic import BaseModel, Field

from coach.grading.models import Grade
from coach.speech.models import Transcript

ANSWER_CHARS = 2_000
NO_TOPIC = "(no topic)"
BINS = 10


class ReportItem(BaseModel):
    """One graded answer as a report shows it."""

    id: str
    question: str
    answer: str
    grade: Grade
    topic: str | None = None
    spoken: Transcript | None = None  # the answer was spoken: what was heard, and how long
    timing: str | None = None  # a timed interview's "42 s of 60 s" (", late")

    @property
    def answer_label(self) -> str:
        if self.spoken is None:
            return "Answer"
        return f"Answer (spoken: {self.spoken.seconds:g} s of audio, {self.spoken.model})"

    @property
    def heard(self) -> str | None:
        """The transcript when the candidate edited it before sending."""
        if self.spoken is None or self.spoken.text.strip() == self.answer.strip():
            return None
        return self.spoken.text


class TopicStats(BaseModel):
    topic: str
    count: int
    mean: float


class Summary(BaseModel):
    count: int
    mean: float
    verdicts: dict[str, int]
    graders: dict[str, int]
    fallbacks: int
    topics: list[TopicStats]
    histogram: list[int] = Field(description=f"{BINS} bins over 0-10; 10 falls in the last")


def summarize(items: list[ReportItem]) -> Summary:
    scores = [i.grade.score for i in items]
    by_topic: dict[str, list[float]] = defaultdict(list)
    for item in items:
        by_topic[item.topic or NO_TOPIC].append(item.grade.score)
    histogram = [0] * BINS
    for score in scores:
        histogram[min(int(score), BINS - 1)] += 1
    return Summary(
        count=len(items),
        mean=round(sum(scores) / len(scores), 2) if scores else 0.0,
        verdicts=dict(Counter(i.grade.verdict.value for i in items).most_common()),
        graders=dict(Counter(i.grade.label for i in items).most_common()),
        fallbacks=sum(1 for i in items if i.grade.fallback_notice),
        topics=[
            TopicStats(topic=t, count=len(s), mean=round(sum(s) / len(s), 2))
            for t, s in sorted(by_topic.items())
        ],
        histogram=histogram,
    )


# -- Markdown -------------------------------------------------------------------------------


def to_markdown(items: list[ReportItem], title: str, notes: list[str] | None = None) -> str:
    summary = summarize(items)
    lines = [f"# {title}", "", *_md_overview(summary), ""]
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    lines += ["## Score distribution", "", "| score | answers |", "|---|---|"]
    lines += [f"| {_bin_label(i)} | {n} |" for i, n in enumerate(summary.histogram)]
    lines += ["", "## Answers", ""]
    for item in items:
        lines += _md_item(item)
    return "\n".join(lines).rstrip() + "\n"


def _md_overview(summary: Summary) -> list[str]:
    lines = [
        f"**{summary.count} answers, mean score {summary.mean:g}/10.** "
        f"Graders: {', '.join(f'{k} ({v})' for k, v in summary.graders.items()) or 'none'}.",
    ]
    if summary.fallbacks:
        lines.append(
            f"**{summary.fallbacks} grades fell back to the offline grader** "
            "(see each answer's notice)."
        )
    lines += ["", "| topic | answers | mean score |", "|---|---|---|"]
    lines += [f"| {t.topic} | {t.count} | {t.mean:g} |" for t in summary.topics]
    lines += ["", "Verdicts: " + ", ".join(f"{k} {v}" for k, v in summary.verdicts.items())]
    return lines


def _md_item(item: ReportItem) -> list[str]:
    g = item.grade
    lines = [
        f"### {_md_inline(item.id)}: {g.score:g}/10, {g.verdict.value.replace('_', ' ')}",
        "",
        f"*{_md_inline(item.question)}*",
        "",
    ]
    lines.append(
        f"Grader: {g.label}; confidence {g.confidence:.2f}; "
        f"reference: {g.reference_source}" + (f"; topic: {item.topic}" if item.topic else "")
    )
    if item.timing:
        lines.append(f"Time: {item.timing}")
    if g.fallback_notice:
        lines += ["", f"> Fallback: {g.fallback_notice}"]
    lines += [
        "",
        f"{item.answer_label}:",
        "",
        *[f"> {line}" for line in _clip(item.answer).splitlines()],
    ]
    if item.heard:
        lines += ["", "Heard (before the candidate's edits):", "", f"> {_clip(item.heard)}"]
    lines.append("")
    if g.key_points:
        lines += [f"- [{p.status.value}] {p.text}" for p in g.key_points] + [""]
    lines += ["Feedback:", "", g.feedback, ""]
    for notice in g.notices:
        lines.append(f"- note: {notice}")
    return [*lines, ""]


def _md_inline(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _clip(text: str) -> str:
    text = text.strip() or "(empty)"
    return text if len(text) <= ANSWER_CHARS else text[:ANSWER_CHARS] + " … (shortened here)"


def _bin_label(i: int) -> str:
    return f"{i}-{i + 1}" if i < BINS - 1 else f"{i}-10"


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1d2330}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #dde}table{border-collapse:collapse}
td,th{padding:.2rem .7rem;border-bottom:1px solid #eef;text-align:left}
.item{border:1px solid #dde;border-radius:8px;padding:.6rem 1rem;margin:1rem 0}
.score{font-weight:700}.covered{color:#137333}.partly{color:#b06000}.missed{color:#a50e0e}
.notice{background:#fff4e5;border-left:4px solid #f29900;padding:.3rem .6rem}
blockquote{white-space:pre-wrap;background:#f6f7fb;margin:.4rem 0;padding:.4rem .8rem}
.feedback{white-space:pre-wrap}.meta{color:#5f6368;font-size:.9rem}
"""


def to_html(items: list[ReportItem], title: str, notes: list[str] | None = None) -> str:
    summary = summarize(items)
    return _template().render(
        title=title,
        css=Markup(_CSS),
        summary=summary,
        notes=notes or [],
        topic_chart=Markup(topic_svg(summary.topics)),
        histogram_chart=Markup(histogram_svg(summary.histogram)),
        items=items,
    )


@lru_cache(maxsize=1)
def _template() -> Template:
    """The HTML report (templates/report.html.j2): autoescaped, so no answer, question or
    feedback can inject markup; a name the template misses is an error, not a blank."""
    env = Environment(
        loader=PackageLoader("coach.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
    )
    env.filters["clip"] = _clip
    return env.get_template("report.html.j2")


def histogram_svg(histogram: list[int], width: int = 520, height: int = 200) -> str:
    """Bars of answer counts per score bin, with axis labels."""
    top = max(histogram) or 1
    bar = (width - 40) / len(histogram)
    bars = []
    for i, count in enumerate(histogram):
        h = (height - 50) * count / top
        x, y = 30 + i * bar, height - 30 - h
        bars.append(
            f"<rect x='{x + 2:.1f}' y='{y:.1f}' width='{bar - 4:.1f}' height='{h:.1f}' "
            f"fill='#4f6bed'><title>{_bin_label(i)}: {count}</title></rect>"
            f"<text x='{x + bar / 2:.1f}' y='{height - 12}' font-size='11' "
            f"text-anchor='middle'>{_bin_label(i)}</text>"
            + (
                f"<text x='{x + bar / 2:.1f}' y='{y - 4:.1f}' font-size='11' "
                f"text-anchor='middle'>{count}</text>"
                if count
                else ""
            )
        )
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='score distribution'>"
        f"<line x1='28' y1='{height - 30}' x2='{width - 8}' y2='{height - 30}' "
        f"stroke='#888'/>{''.join(bars)}</svg>"
    )


def topic_svg(topics: list[TopicStats], width: int = 520) -> str:
    """Horizontal bars of the mean score per topic (0-10)."""
    row, label = 22, 190
    height = row * len(topics) + 10
    bars = []
    for i, t in enumerate(topics):
        y = 5 + i * row
        w = (width - label - 50) * t.mean / 10
        bars.append(
            f"<text x='{label - 6}' y='{y + 15}' font-size='12' text-anchor='end'>"
            f"{escape(t.topic[:28])}</text>"
            f"<rect x='{label}' y='{y + 3}' width='{w:.1f}' height='{row - 8}' fill='#34a853'>"
            f"<title>{escape(t.topic)}: {t.mean:g} ({t.count})</title></rect>"
            f"<text x='{label + w + 4:.1f}' y='{y + 15}' font-size='11'>{t.mean:g}</text>"
        )
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='mean score per topic'>{''.join(bars)}</svg>"
    )
