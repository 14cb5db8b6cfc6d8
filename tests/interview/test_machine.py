"""The rules-based interviewer over the state machine: the whole interview with no LLM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from coach.corpus import key
from coach.corpus.key import Difficulty
from coach.corpus.models import Topic
from coach.grading.models import Grade, KeyPointResult, PointStatus, Verdict
from coach.interview import selection
from coach.interview.machine import Interview
from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore
from coach.settings import get_settings
from tests.interview.conftest import MCQ, NUMERIC, OPEN, of_type, types

Build = Callable[..., RecordedInterviewer]


def reference(question_id: str) -> str:
    return key.load(get_settings().corpus_dir)[question_id].reference_en


def test_start_asks_in_the_interview_language(make_interview: Build) -> None:
    events = list(make_interview(review=[NUMERIC]).start())
    (asked,) = of_type(events, "question")
    assert asked.question_id == NUMERIC and asked.number == 1 and asked.total == 5
    assert asked.text.startswith("How much memory")  # the key's English, not the Russian
    russian = list(make_interview(review=[NUMERIC], lang="ru").start())
    assert of_type(russian, "question")[0].text.startswith("Сколько памяти")


def test_answer_is_graded_then_the_flow_moves_on(
    make_interview: Build, store: SessionStore
) -> None:
    interview = make_interview(review=[OPEN, NUMERIC], questions=2, follow_ups=0)
    list(interview.start())
    events = list(interview.respond(reference(OPEN)))
    assert types(events) == ["grade", "question"]
    grade = of_type(events, "grade")[0].grade
    assert grade.score >= 6
    assert of_type(events, "question")[0].question_id == NUMERIC
    saved = store.load(interview.state.id)
    assert saved.turns[0].answer == reference(OPEN) and saved.turns[0].grade == grade


def test_last_answer_ends_with_a_summary(make_interview: Build) -> None:
    interview = make_interview(review=[OPEN], questions=1, follow_ups=0)
    list(interview.start())
    events = list(interview.respond(reference(OPEN)))
    summary = of_type(events, "summary")[0]
    assert summary.answered == 1 and summary.mean_score is not None
    assert interview.state.finished
    after = list(interview.respond("one more answer"))
    assert types(after) == ["notice"] and after[0].code == "finished"


def test_no_repeats_and_no_near_duplicates(make_interview: Build) -> None:
    interview = make_interview(questions=12, follow_ups=0)
    list(interview.start())
    for _ in range(11):
        list(interview.respond("skip"))
    turns = interview.state.turns
    assert len({t.question_id for t in turns}) == len(turns) == 12
    words = [selection.words_of(t.text) for t in turns]
    for i, a in enumerate(words):
        assert not any(selection.near_duplicate(a, b) for b in words[i + 1 :])


def test_skip_counts_as_a_lapse_for_review(make_interview: Build, store: SessionStore) -> None:
    interview = make_interview(review=[OPEN, NUMERIC])
    list(interview.start())
    events = list(interview.respond("пропусти"))
    assert types(events) == ["notice", "question"] and events[0].code == "skipped"
    assert interview.state.turns[0].skipped
    soon = datetime.now(UTC) + timedelta(minutes=15)
    assert [d.item for d in store.due(soon)] == [OPEN]


def test_hints_give_more_each_time_then_stop(make_interview: Build) -> None:
    interview = make_interview(review=[NUMERIC])
    list(interview.start())
    replies = [list(interview.respond("hint")) for _ in range(4)]
    hints = [of_type(r, "hint") for r in replies]
    assert [len(h) for h in hints] == [1, 1, 1, 0]
    assert [e.code for e in of_type(replies[3], "notice")] == ["no_hint"]
    texts = [h[0].text for h in hints[:3]]
    assert len(set(texts)) == 3 and texts[0].startswith("Think about")
    assert interview.state.turns[0].hints == texts


def test_mcq_hint_rules_out_a_wrong_option(make_interview: Build) -> None:
    interview = make_interview(review=[MCQ])
    asked = of_type(list(interview.start()), "question")[0]
    assert len(asked.options) == 4
    hint = of_type(list(interview.respond("hint")), "hint")[0].text
    correct = key.load(get_settings().corpus_dir)[MCQ].correct_option
    assert hint.startswith("It is not option") and f"option {chr(64 + correct)}" not in hint


def test_explain_reveals_the_reference_with_sources(make_interview: Build) -> None:
    interview = make_interview(review=[NUMERIC])
    list(interview.start())
    (message,) = of_type(list(interview.respond("explain")), "message")
    assert message.by == "rules" and "84 GB" in message.text
    assert message.citations == key.load(get_settings().corpus_dir)[NUMERIC].citations
    assert interview.state.turns[0].revealed and interview.state.current is not None


def test_harder_replaces_the_open_question(make_interview: Build) -> None:
    interview = make_interview(review=[NUMERIC])
    list(interview.start())
    events = list(interview.respond("harder"))
    assert types(events) == ["notice", "question"]
    assert interview.state.level == Difficulty.SENIOR
    assert interview.state.turns[0].replaced
    entries = key.load(get_settings().corpus_dir)
    asked = of_type(events, "question")[0]
    assert entries[asked.question_id].difficulty == Difficulty.SENIOR
    assert asked.number == 1  # the replaced question does not count


def test_topic_request_steers_the_next_questions(make_interview: Build) -> None:
    interview = make_interview(follow_ups=0)
    list(interview.start())
    asked = of_type(list(interview.respond("ask me about RLHF")), "question")[0]
    assert asked.topic == Topic.ALIGNMENT.value
    nxt = of_type(list(interview.respond("skip")), "question")[0]
    assert nxt.topic == Topic.ALIGNMENT.value


def test_free_phrase_request_uses_search(
    make_interview: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.search import hybrid

    seen: list[str] = []

    def search(query: str, k: int = 5, **_: object) -> list[hybrid.Hit]:
        seen.append(query)
        return [
            hybrid.Hit(
                rank=1,
                score=1.0,
                chunk_id=f"{OPEN}#q",
                kind="question",
                source="en_zh_genai_interview_questions.md",
                question_id=OPEN,
                text="",
                text_en=None,
                section="",
                lang="en",
                topic=None,
            )
        ]

    monkeypatch.setattr(hybrid, "search", search)
    interview = make_interview(review=[NUMERIC])
    list(interview.start())
    asked = of_type(list(interview.respond("ask me about the Viterbi algorithm")), "question")
    assert seen == ["the Viterbi algorithm"] and asked[0].question_id == OPEN


def test_numeric_request_uses_the_calculator(make_interview: Build) -> None:
    interview = make_interview(review=[OPEN])
    list(interview.start())
    events = list(interview.respond("How much memory to train a 13B model with AdamW in bf16?"))
    assert types(events) == ["tool_call", "tool_result", "message"]
    assert events[0].name == "memory" and events[0].args["optimizer"] == "adamw"
    assert "104 GB" in events[2].text
    assert interview.state.current is not None  # the open question still waits


def test_hedged_numeric_answer_is_an_answer(make_interview: Build) -> None:
    interview = make_interview(review=[NUMERIC], follow_ups=0)
    list(interview.start())
    assert "grade" in types(interview.respond("84 GB?"))


def test_language_detected_from_the_first_answer(make_interview: Build) -> None:
    interview = make_interview(review=[OPEN, NUMERIC], lang=None, follow_ups=0)
    assert of_type(list(interview.start()), "question")[0].lang == "en"
    events = list(interview.respond("Генеративная модель учит совместное распределение p(x, y)"))
    assert interview.state.lang == "ru"
    assert of_type(events, "question")[0].text.startswith("Сколько памяти")


def test_huge_and_empty_answers(make_interview: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_MAX_ANSWER_CHARS", "400")
    get_settings.cache_clear()
    interview = make_interview(review=[OPEN], follow_ups=0)
    list(interview.start())
    assert types(interview.respond("   ")) == ["notice"]
    assert interview.state.turns[0].answer is None
    events = list(interview.respond("generative models " * 100))
    assert of_type(events, "notice")[0].code == "truncated"
    assert len(interview.state.turns[0].answer or "") == 400


def partial_grade(question_id: str) -> Grade:
    """A grade that covers the first key point and misses the rest."""
    entry = key.load(get_settings().corpus_dir)[question_id]
    points = [
        KeyPointResult(
            text=p.text,
            weight=p.weight,
            status=PointStatus.COVERED if i == 0 else PointStatus.MISSED,
        )
        for i, p in enumerate(entry.key_points)
    ]
    # A partial score, whatever the first point weighs: the follow-up rule probes 2 to 8.
    return Grade(score=4.0, verdict=Verdict.PARTIALLY_CORRECT, key_points=points)


def test_partial_answer_gets_a_follow_up_on_the_missed_points(
    make_interview: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.interview import machine

    graded: list[tuple[object, dict[str, object]]] = []

    def fake_grade(question: object, answer: str, *args: object, **kw: object) -> Grade:
        graded.append((question, kw))
        return partial_grade(NUMERIC)

    monkeypatch.setattr(machine, "grade", fake_grade)
    interview = make_interview(review=[NUMERIC], follow_ups=1)
    list(interview.start())
    events = list(interview.respond("The weights take 28 GB."))
    asked = of_type(events, "question")[0]
    assert asked.follow_up and asked.question_id == f"{NUMERIC}#f1"
    assert asked.text.startswith("A follow-up on the previous question:")
    probe = interview.state.turns[-1]
    entry = key.load(get_settings().corpus_dir)[NUMERIC]
    assert [p.text for p in probe.probe_points] == sorted(
        (p.text for p in entry.key_points[1:]),
        key=lambda t: -next(p.weight for p in entry.key_points if p.text == t),
    )
    assert abs(sum(p.weight for p in probe.probe_points) - 1) < 1e-9
    followed = list(interview.respond("Gradients take another 28 GB and momentum 28 GB."))
    assert of_type(followed, "grade")[0].question_id == f"{NUMERIC}#f1"
    # The follow-up is graded against the missed points, with the parent's key behind them.
    question, kw = graded[-1]
    assert getattr(question, "id", None) == NUMERIC
    assert kw["asked"] == probe.text and kw["key_points"] == probe.probe_points
    # One follow-up per question (follow_ups=1): then the interview moves on.
    assert not of_type(followed, "question")[0].follow_up


def test_no_follow_up_for_good_or_hopeless_answers(
    make_interview: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.interview import machine

    for score in (9.0, 0.5):
        monkeypatch.setattr(
            machine,
            "grade",
            lambda *a, s=score, **k: partial_grade(NUMERIC).model_copy(update={"score": s}),
        )
        interview = make_interview(review=[NUMERIC], follow_ups=1)
        list(interview.start())
        assert not of_type(list(interview.respond("answer")), "question")[0].follow_up


def test_resume_reshows_the_open_question(make_interview: Build, store: SessionStore) -> None:
    interview = make_interview(review=[OPEN, NUMERIC], follow_ups=0)
    list(interview.start())
    list(interview.respond(reference(OPEN)))
    resumed = RecordedInterviewer(Interview(store.load(interview.state.id[:15])), store)
    (asked,) = of_type(list(resumed.start()), "question")
    assert asked.question_id == NUMERIC and asked.number == 2
    assert resumed.state.turns[0].grade is not None


def test_stop_finishes_with_a_summary(make_interview: Build, store: SessionStore) -> None:
    interview = make_interview(review=[OPEN])
    list(interview.start())
    events = list(interview.respond("стоп"))
    assert types(events) == ["summary"]
    assert store.load(interview.state.id).finished
