"""Events → chat messages, with a fake agent yielding scripted events (no browser, no gradio)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coach.corpus.models import Kind, Topic
from coach.grading.models import Evidence, Grade, KeyPointResult, PointStatus, Verdict
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
    TopicScore,
)
from coach.interview.models import InterviewConfig, InterviewState, Turn
from coach.settings import get_settings
from coach.ui.render import THINKING, ChatView, score_card, topic_rows, transcript

SECRET = "sk-test-0123456789abcdef"


def question(**extra: object) -> QuestionAsked:
    fields: dict[str, object] = {
        "turn": 0,
        "number": 1,
        "total": 3,
        "question_id": "en-genai-001",
        "text": "What is a KV cache?",
        "lang": "en",
        "topic": "decoding_inference",
        "kind": "open",
        "difficulty": "middle",
    }
    return QuestionAsked.model_validate({**fields, **extra})


def grade(**extra: object) -> Grade:
    fields: dict[str, object] = {
        "score": 6.5,
        "verdict": Verdict.PARTIALLY_CORRECT,
        "key_points": [
            KeyPointResult(
                text="stores keys and values of past tokens", weight=1, status=PointStatus.COVERED
            ),
            KeyPointResult(
                text="grows linearly with sequence length", weight=1, status=PointStatus.MISSED
            ),
        ],
        "feedback": "Say how the cache grows with context.",
        "evidence": [
            Evidence(
                chunk_id="c1",
                kind="passage",
                source="lecture.md",
                text="The KV cache keeps K and V.",
                citation="lecture.md:12",
            )
        ],
    }
    return Grade.model_validate({**fields, **extra})


def fake_agent_turn() -> Iterator[Event]:
    """What the LLM agent yields for one answer: tool call, streamed reply, grade, next question."""
    yield ToolCalled(name="grade_answer", args={"answer": "..."}, call_id="call_1")
    yield ToolResult(name="grade_answer", output="score 6.5/10", call_id="call_1")
    yield GradeReady(turn=0, question_id="en-genai-001", grade=grade(grader="llm:qwen2.5"))
    for piece in ("Good start. ", "Mention the ", "growth with length."):
        yield Token(text=piece)
    yield AgentMessage(
        text="Good start. Mention the growth with length.",
        streamed=True,
        citations=["lecture.md:12"],
    )
    yield question(turn=1, number=2, question_id="en-genai-002", text="Next one?")


def play(events: Iterator[Event], view: ChatView | None = None) -> ChatView:
    view = view or ChatView()
    for event in events:
        view.apply(event)
    return view


def test_a_question_is_an_assistant_message_with_its_number_and_topic() -> None:
    view = play(iter([question()]))
    [message] = view.messages
    assert message["role"] == "assistant"
    assert "**Question 1/3**" in message["content"]
    assert "Decoding & inference" in message["content"]
    assert "What is a KV cache?" in message["content"]
    assert "options" not in message


def test_multiple_choice_options_become_clickable_options_with_letters() -> None:
    view = play(iter([question(kind="multiple_choice", options=["512", "768", "1024"])]))
    message = view.messages[0]
    assert [o["value"] for o in message["options"]] == ["A", "B", "C"]
    assert message["options"][1]["label"] == "B. 768"
    assert "**B.** 768" in message["content"]
    assert view.options == ["512", "768", "1024"]
    view.apply(GradeReady(turn=0, question_id="q", grade=grade()))
    assert view.options == []


def test_an_agent_turn_streams_into_one_message_and_the_tool_call_closes() -> None:
    view = ChatView()
    view.user("It caches keys and values.")
    assert view.status == THINKING
    states = []
    for event in fake_agent_turn():
        view.apply(event)
        states.append(view.status)
    assert states[0].startswith("Calling tool `grade_answer`")
    assert "Writing…" in states
    roles = [m["role"] for m in view.messages]
    assert roles == ["user", "assistant", "assistant", "assistant", "assistant"]
    tool = view.messages[1]
    assert tool["metadata"]["status"] == "done"
    assert "score 6.5/10" in tool["content"]
    reply = view.messages[3]["content"]
    assert reply.startswith("Good start. Mention the growth with length.")
    assert "`lecture.md:12`" in reply
    assert view.streaming is None
    assert "Next one?" in view.messages[4]["content"]


def test_persian_reads_right_to_left() -> None:
    [message] = play(iter([question(lang="fa", text="کش KV چیست؟")])).messages
    assert '<div dir="rtl">\n\nکش KV چیست؟\n\n</div>' in message["content"]
    assert 'dir="rtl"' in score_card(grade(lang="fa"))
    assert "dir=" not in score_card(grade(lang="ru"))


def test_blank_answers_are_not_echoed_and_huge_ones_are_clipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COACH_MAX_ANSWER_CHARS", "10")
    get_settings.cache_clear()
    view = ChatView()
    view.user("   ")
    assert view.messages == [] and view.status == THINKING
    view.user("x" * 50)
    assert view.messages[0]["content"] == "x" * 10 + " …"


def test_a_tool_call_is_pending_until_its_result() -> None:
    view = play(iter([ToolCalled(name="memory", args={"params": "7B"}, call_id="x")]))
    assert view.messages[0]["metadata"]["status"] == "pending"
    view.apply(ToolResult(name="memory", output="Error: bad", ok=False, call_id="x"))
    meta = view.messages[0]["metadata"]
    assert meta["status"] == "done" and meta["title"].endswith("failed")


def test_a_reply_that_was_not_streamed_is_its_own_message() -> None:
    view = play(
        iter(
            [
                Token(text="partial"),
                Notice(code="x", text="n"),
                AgentMessage(text="Final.", by="rules"),
            ]
        )
    )
    assert [m["content"] for m in view.messages] == ["partial", "ℹ n", "Final."]


def test_the_score_card_shows_score_points_feedback_sources_and_grader() -> None:
    card = score_card(grade())
    assert card.startswith("### Score 6.5/10 · partially correct")
    assert "offline grader" in card
    assert "✓ stores keys and values" in card
    assert "✗ grows linearly" in card
    assert "**Feedback:**\n\nSay how the cache grows" in card
    assert "<details><summary>Sources (1)</summary>" in card
    assert "[lecture.md:12]" in card


def test_the_llm_judgment_replaces_the_offline_card_in_place() -> None:
    view = play(iter([question()]))
    view.user("It caches keys and values.")
    view.apply(GradePreview(turn=0, question_id="ru-quiz-090", grade=grade(score=6.5)))
    assert "the LLM is judging the key points" in view.messages[-1]["content"]
    cards = len(view.messages)
    judged = grade(score=5.0, grader="llm:qwen2.5:3b")
    view.apply(GradeReady(turn=0, question_id="ru-quiz-090", grade=judged))
    assert len(view.messages) == cards, "no second card"
    card = view.messages[-1]["content"]
    assert card.startswith("### Score 5/10") and "LLM grader (qwen2.5:3b)" in card
    assert "Shown first: the offline grade, 6.5/10." in card and "is judging" not in card


@pytest.mark.parametrize(
    ("grader", "notice", "expected"),
    [
        ("offline", None, "offline grader (rules + embeddings)"),
        ("llm:qwen2.5:3b", None, "LLM grader (qwen2.5:3b)"),
        (
            "offline",
            "LLM unavailable",
            "offline grader (rules + embeddings) — fallback: LLM unavailable",
        ),
    ],
)
def test_the_card_names_the_grader_and_never_hides_a_fallback(
    grader: str, notice: str | None, expected: str
) -> None:
    assert f"*Graded by the {expected}.*" in score_card(
        grade(grader=grader, fallback_notice=notice)
    )


def test_feedback_lists_do_not_swallow_the_prose_after_them() -> None:
    card = score_card(grade(feedback="Missing:\n- a\n- b\nA strong answer: c."))
    assert "Missing:\n\n- a\n- b\n\nA strong answer: c." in card


def test_a_numeric_check_is_shown() -> None:
    card = score_card(
        grade(
            numeric_check={
                "expected": 84,
                "unit": "GB",
                "given": 56,
                "given_unit": "GB",
                "tolerance": 0.05,
                "ok": False,
                "explanation": "28 + 28 + 28 GB.",
            }
        )
    )
    assert "✗ expected 84 GB, given 56 GB. 28 + 28 + 28 GB." in card


def test_an_api_key_is_never_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    get_settings.cache_clear()
    view = play(
        iter(
            [
                Notice(level="warning", code="offline_fallback", text=f"rejected key {SECRET}"),
                ToolResult(name="search_corpus", output=f"Authorization: Bearer {SECRET}"),
                Token(text=f"my key is {SECRET}"),
            ]
        )
    )
    assert all(SECRET not in str(m) for m in view.messages)
    assert view.messages[0]["content"].startswith("⚠ rejected key ***")


def test_hints_and_the_summary() -> None:
    summary = Summary(
        session_id="s1",
        answered=2,
        skipped=1,
        hints=1,
        mean_score=5.5,
        topics=[TopicScore(topic="metrics", answered=2, mean_score=5.5)],
        to_review=["ru-quiz-001"],
        text="Answered 2.\nWorth reviewing: Metrics.",
    )
    view = play(iter([Hint(turn=0, level=1, text="Think about BLEU."), summary]))
    assert view.messages[0]["content"] == "**Hint 1:** Think about BLEU."
    assert "| Metrics | 2 | 5.5/10 |" in view.messages[1]["content"]
    assert "`ru-quiz-001`" in view.messages[1]["content"]
    assert view.summary is summary and view.status == ""
    assert topic_rows(summary) == [{"topic": "Metrics", "score": 5.5, "answered": 2}]


def test_a_saved_session_rebuilds_its_chat() -> None:
    graded = Turn(
        index=0,
        question_id="q1",
        text="What is BLEU?",
        topic=Topic.METRICS,
        kind=Kind.OPEN,
        answer="n-gram precision",
        grade=grade(),
        hints=["Think about n-grams."],
    )
    follow = Turn(
        index=1,
        question_id="q1#f",
        text="And the brevity penalty?",
        topic=Topic.METRICS,
        kind=Kind.OPEN,
        follow_up_of=0,
        skipped=True,
    )
    dropped = Turn(
        index=2, question_id="q2", text="Dropped", topic=Topic.RAG, kind=Kind.OPEN, replaced=True
    )
    mcq = Turn(
        index=3,
        question_id="q3",
        text="Pick one",
        topic=Topic.VLM,
        kind=Kind.MULTIPLE_CHOICE,
        options=["a", "b"],
    )
    state = InterviewState(
        id="s1", config=InterviewConfig(questions=3), turns=[graded, follow, dropped, mcq]
    )
    view = transcript(state)
    contents = [m["content"] for m in view.messages]
    assert contents[0].startswith("**Question 1/3**")
    assert contents[1] == "**Hint 1:** Think about n-grams."
    assert contents[2] == "n-gram precision"
    assert contents[3].startswith("### Score 6.5/10")
    assert contents[4].startswith("**Follow-up**") and "brevity penalty" in contents[4]
    assert contents[5] == "skip"
    assert all("Dropped" not in c for c in contents)
    assert contents[6].startswith("**Question 2/3**")
    assert view.options == ["a", "b"] and view.status == ""
