"""Interview events to chat messages: the pure half of the browser face (no gradio import).

A `ChatView` holds what a `gr.Chatbot` shows (messages format: role/content dicts; tool calls as
collapsible "thoughts" with metadata; multiple-choice options as clickable options) and folds
each event into it, so UI callbacks only stream `view.messages` out and tests need no browser.
Every text passes `scrub`, so an API key that slipped into an error message is never shown.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from coach.corpus.models import Topic
from coach.corpus.topics import TOPIC_LABELS
from coach.grading.models import Grade, PointStatus
from coach.interview.events import (
    AgentMessage,
    Event,
    GradePreview,
    GradeReady,
    Hint,
    Notice,
    QuestionAsked,
    Summary,
    Token,
    ToolCalled,
    ToolResult,
)
from coach.interview.messages import say
from coach.interview.models import InterviewState
from coach.interview.summary import summarise
from coach.llm.failures import scrub
from coach.settings import get_settings
from coach.speech.models import Transcript

Message = dict[str, Any]

THINKING = "Thinking…"
RTL_LANGS = frozenset({"fa"})
TOOL_OUTPUT_CHARS = 1200
SOURCE_CHARS = 300
# What a tool call means to the candidate, shown while it runs.
TOOL_LABELS = {
    "grade_answer": "grading your answer",
    "next_question": "choosing the next question",
    "search_corpus": "searching the corpus",
    "reveal_reference": "reading the reference answer",
    "hint": "preparing a hint",
    "session_summary": "summarising the session",
}
# Text symbols, not emoji: they render with any font (a headless browser has no emoji font).
_POINT_MARKS = {PointStatus.COVERED: "✓", PointStatus.PARTLY: "◐", PointStatus.MISSED: "✗"}


def topic_label(topic: str) -> str:
    try:
        return TOPIC_LABELS[Topic(topic)]
    except ValueError:
        return topic


def letter(index: int) -> str:
    return chr(ord("A") + index)


PREVIEW_NOTE = "\n\n*Offline grade, shown at once; the LLM is judging the key points…*"


def tool_status(name: str) -> str:
    return f"Calling tool `{name}`: {TOOL_LABELS.get(name, 'calculating')}…"


@dataclass
class ChatView:
    """The chat as the browser shows it, plus the side panels that follow the last event."""

    messages: list[Message] = field(default_factory=list)
    status: str = ""
    card: str = ""  # the latest score card, Markdown
    summary: Summary | None = None
    options: list[str] = field(default_factory=list)  # of the open multiple-choice question
    streaming: int | None = None  # index of the message tokens are appended to
    # turn -> (its preview card's index, the offline score it showed)
    previewed: dict[int, tuple[int, float]] = field(default_factory=dict)

    def user(self, text: str) -> None:
        """The candidate's message; blank ones are not shown (the interviewer says why)."""
        self.status = THINKING
        if not text.strip():
            return
        limit = get_settings().max_answer_chars
        shown = text if len(text) <= limit else text[:limit] + " …"
        self.messages.append({"role": "user", "content": scrub(shown)})

    def assistant(self, text: str, **extra: Any) -> None:
        self.messages.append({"role": "assistant", "content": scrub(text), **extra})
        self.streaming = None

    def apply(self, event: Event) -> None:
        match event:
            case Token():
                self._token(event)
            case QuestionAsked():
                self._question(event)
            case ToolCalled():
                self._tool_called(event)
            case ToolResult():
                self._tool_result(event)
            case GradePreview():
                self.card = score_card(event.grade, event.spoken) + PREVIEW_NOTE
                self.assistant(self.card)
                self.previewed[event.turn] = (len(self.messages) - 1, event.grade.score)
                self.options = []
            case GradeReady():
                self.card = score_card(event.grade, event.spoken)
                shown = self.previewed.pop(event.turn, None)
                if shown is None:
                    self.assistant(self.card)
                else:  # the LLM's judgment replaces the offline card in place
                    at, offline = shown
                    self.card += f"\n\n*Shown first: the offline grade, {offline:g}/10.*"
                    self.messages[at]["content"] = scrub(self.card)
                self.options = []
            case AgentMessage():
                self._agent_message(event)
            case Hint():
                self.assistant(f"**Hint {event.level}:** {event.text}")
            case Notice():
                mark = "⚠" if event.level == "warning" else "ℹ"
                self.assistant(f"{mark} {event.text}")
            case Summary():
                self.summary = event
                self.options = []
                self.assistant(summary_markdown(event))
                self.status = ""

    def _token(self, event: Token) -> None:
        if self.streaming is None:
            self.messages.append({"role": "assistant", "content": ""})
            self.streaming = len(self.messages) - 1
        message = self.messages[self.streaming]
        message["content"] = scrub(message["content"] + event.text)
        self.status = "Writing…"

    def _question(self, event: QuestionAsked) -> None:
        self.options = list(event.options)
        extra: dict[str, Any] = {}
        if event.options:
            extra["options"] = [
                {"label": f"{letter(i)}. {_short(o, 60)}", "value": letter(i)}
                for i, o in enumerate(event.options)
            ]
        self.assistant(question_markdown(event), **extra)
        self.status = ""

    def _tool_called(self, event: ToolCalled) -> None:
        args = json.dumps(event.args, ensure_ascii=False, default=str)
        self.assistant(
            f"`{event.name}({_short(args, 400)})`",
            metadata={
                "title": f"⚙ {tool_status(event.name)}",
                "status": "pending",
                "id": event.call_id or event.name,
            },
        )
        self.status = tool_status(event.name)

    def _tool_result(self, event: ToolResult) -> None:
        message = self._pending_tool(event.call_id or event.name)
        output = scrub(_short(event.output.strip(), TOOL_OUTPUT_CHARS))
        body = f"```text\n{output}\n```" if output else "(no output)"
        if message is None:
            self.assistant(body, metadata={"title": f"⚙ {event.name}", "status": "done"})
        else:
            message["content"] = f"{message['content']}\n\n{body}"
            message["metadata"] = {
                **message["metadata"],
                "status": "done",
                "title": f"⚙ `{event.name}`" + ("" if event.ok else " failed"),
            }
        self.status = THINKING

    def _pending_tool(self, call_id: str) -> Message | None:
        for message in reversed(self.messages):
            meta = message.get("metadata") or {}
            if meta.get("id") == call_id and meta.get("status") == "pending":
                return message
        return None

    def _agent_message(self, event: AgentMessage) -> None:
        text = event.text
        if event.citations:
            text += "\n\n*Sources:* " + ", ".join(f"`{c}`" for c in event.citations)
        if event.streamed and self.streaming is not None:
            # The tokens already showed it; the final text replaces them (protocol noise gone).
            self.messages[self.streaming]["content"] = scrub(text)
            self.streaming = None
        else:
            self.assistant(text)


def question_markdown(event: QuestionAsked) -> str:
    head = "**Follow-up**" if event.follow_up else f"**Question {event.number}/{event.total}**"
    meta = " · ".join(x for x in (topic_label(event.topic), event.difficulty) if x)
    why = [
        f"*the job description asks for {event.skill}*" if event.skill else "",
        f"*answer within {event.time_limit} s*" if event.time_limit else "",
    ]
    if any(why):
        meta += " · " + " · ".join(w for w in why if w)
    body = [event.text]
    if event.options:
        body.append("")
        body += [f"**{letter(i)}.** {o}  " for i, o in enumerate(event.options)]
    return f"{head} · {meta}\n\n" + directed("\n".join(body), event.lang)


def directed(markdown: str, lang: str | None) -> str:
    """Persian reads right to left; the blank lines keep the Markdown inside rendered."""
    if lang not in RTL_LANGS:
        return markdown
    return f'<div dir="rtl">\n\n{markdown}\n\n</div>'


def grader_label(grade: Grade) -> str:
    """Which grader spoke, in words; a fallback says so (never silent)."""
    if grade.grader.startswith("llm:"):
        name = f"LLM grader ({grade.grader.removeprefix('llm:')})"
    else:
        name = "offline grader (rules + embeddings)"
    if grade.fallback_notice:
        return f"{name} — fallback: {grade.fallback_notice}"
    return name


def score_card(grade: Grade, spoken: Transcript | None = None) -> str:
    """Score, verdict, key points, misconceptions, feedback and expandable sources."""
    verdict = str(grade.verdict).replace("_", " ")
    lines = [
        f"### Score {grade.score:g}/10 · {verdict}",
        f"*Graded by the {grader_label(grade)}.*",
        "",
    ]
    if spoken is not None:
        lines[2:2] = [f"*🎤 Spoken answer: {spoken.seconds:g} s of audio, {spoken.model}.*", ""]
    for status in (PointStatus.COVERED, PointStatus.PARTLY, PointStatus.MISSED):
        points = [p for p in grade.key_points if p.status == status]
        if points:
            lines.append(f"**{str(status).capitalize()}:**")
            lines += [f"- {_POINT_MARKS[status]} {p.text}" for p in points]
    if grade.misconceptions:
        lines.append("**Misconceptions:**")
        lines += [f"- ⚠ {m}" for m in grade.misconceptions]
    check = grade.numeric_check
    if check is not None:
        given = "no number found"
        if check.given is not None:
            given = f"{check.given:g} {check.given_unit or ''}"
        mark = "✓" if check.ok else "✗"
        lines.append(
            f"**Numeric check:** {mark} expected {check.expected:g} {check.unit}, "
            f"given {given.strip()}. {check.explanation}"
        )
    if grade.feedback:
        lines += ["", "**Feedback:**", "", directed(loose_lists(grade.feedback), grade.lang)]
    if grade.evidence:
        lines += ["", sources_block(grade)]
    return scrub("\n".join(lines))


def loose_lists(text: str) -> str:
    """A blank line between a "- " list and the prose around it, or Markdown folds the prose
    into the last item (graders write "Missing:\n- a\n- b\nA strong answer: ...")."""
    out: list[str] = []
    was_item = False
    for line in text.splitlines():
        is_item = line.lstrip().startswith(("- ", "* "))
        if out and out[-1].strip() and line.strip() and is_item != was_item:
            out.append("")
        out.append(line)
        was_item = is_item
    return "\n".join(out)


def sources_block(grade: Grade) -> str:
    """The evidence as a collapsed <details> list (Markdown inside needs the blank lines)."""
    items = [
        f"- **[{html.escape(e.citation)}]** {_short(e.text, SOURCE_CHARS)}" for e in grade.evidence
    ]
    return (
        f"<details><summary>Sources ({len(items)})</summary>\n\n"
        + "\n".join(items)
        + "\n\n</details>"
    )


def summary_markdown(summary: Summary) -> str:
    lines = ["### Interview summary", "", summary.text.replace("\n", "  \n"), ""]
    if summary.topics:
        lines += ["| Topic | Answered | Mean score |", "|---|---:|---:|"]
        lines += [
            f"| {topic_label(t.topic)} | {t.answered} | {t.mean_score:g}/10 |"
            for t in summary.topics
        ]
        lines.append("")
    if summary.to_review:
        lines.append("**To review:** " + ", ".join(f"`{q}`" for q in summary.to_review))
    lines.append(
        f"*Session `{summary.session_id}`: export the report below, or find it in "
        "the Progress tab.*"
    )
    return "\n".join(lines)


def topic_rows(summary: Summary) -> list[dict[str, Any]]:
    """Per-topic mean scores for a bar chart."""
    return [
        {"topic": topic_label(t.topic), "score": t.mean_score, "answered": t.answered}
        for t in summary.topics
    ]


def transcript(state: InterviewState) -> ChatView:
    """The chat of a saved interview, rebuilt from its turns (a refreshed page resumes here)."""
    view = ChatView()
    main = 0
    for turn in state.turns:
        if turn.replaced:
            continue
        main += turn.follow_up_of is None
        text = (
            turn.text if turn.follow_up_of is None else say("follow_up", state.lang, text=turn.text)
        )
        view.apply(
            QuestionAsked(
                turn=turn.index,
                number=max(main, 1),
                total=state.config.questions,
                question_id=turn.question_id,
                text=text,
                lang=state.lang,
                topic=turn.topic.value,
                kind=turn.kind.value,
                difficulty=turn.difficulty.value if turn.difficulty else None,
                options=turn.options,
                follow_up=turn.follow_up_of is not None,
            )
        )
        for level, hint in enumerate(turn.hints, start=1):
            view.apply(Hint(turn=turn.index, level=level, text=hint))
        if turn.answer is not None:
            view.user(turn.answer)
        elif turn.skipped:
            view.user("skip")
        for notice in turn.notices:
            view.apply(Notice(code="saved", text=notice))
        if turn.grade is not None:
            view.apply(
                GradeReady(
                    turn=turn.index,
                    question_id=turn.question_id,
                    grade=turn.grade,
                    spoken=turn.spoken,
                )
            )
    if state.finished:
        view.apply(summarise(state))
    view.status = ""
    return view


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" not in text else text
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
