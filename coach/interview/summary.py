"""The end-of-interview summary: counts, mean score, per-topic scores, what to review."""

from __future__ import annotations

from collections import defaultdict

from coach.corpus.models import Topic
from coach.corpus.topics import TOPIC_LABELS
from coach.interview.events import AnswerTime, Summary, TopicScore
from coach.interview.messages import say
from coach.interview.models import InterviewState

STRONG = 7.0
WEAK = 5.0


def summarise(state: InterviewState) -> Summary:
    turns = [t for t in state.turns if not t.replaced]
    graded = [t for t in turns if t.grade is not None]
    by_topic: dict[Topic, list[float]] = defaultdict(list)
    for turn in graded:
        assert turn.grade is not None
        by_topic[turn.topic].append(turn.grade.score)
    topics = [
        TopicScore(topic=t.value, answered=len(s), mean_score=round(sum(s) / len(s), 1))
        for t, s in sorted(by_topic.items(), key=lambda kv: kv[0].value)
    ]
    mean = round(sum(t.grade.score for t in graded if t.grade) / len(graded), 1) if graded else None
    strengths = [t.topic for t in topics if t.mean_score >= STRONG]
    weak = [t.topic for t in topics if t.mean_score < WEAK]
    to_review = list(
        dict.fromkeys(
            t.question_id.split("#")[0]
            for t in turns
            if t.skipped or t.revealed or (t.grade is not None and t.grade.score < WEAK)
        )
    )
    lang = state.lang
    lines = [
        say(
            "summary",
            lang,
            answered=len(graded),
            skipped=sum(t.skipped for t in turns),
            hints=sum(len(t.hints) for t in turns),
            mean="—" if mean is None else f"{mean:.1f}/10",
        )
    ]
    if strengths:
        lines.append(say("strengths", lang, topics=_labels(strengths)))
    if weak:
        lines.append(say("to_review", lang, topics=_labels(weak)))
    times = _times(state)
    if times:
        mean_seconds = sum(t.seconds for t in times) / len(times)
        late = sum(t.late for t in times)
        limit = state.config.time_limit
        lines.append(say("timing", lang, mean=mean_seconds, late=late, limit=limit))
    return Summary(
        session_id=state.id,
        answered=len(graded),
        skipped=sum(t.skipped for t in turns),
        hints=sum(len(t.hints) for t in turns),
        mean_score=mean,
        topics=topics,
        strengths=strengths,
        to_review=to_review,
        times=times,
        text="\n".join(lines),
    )


def _times(state: InterviewState) -> list[AnswerTime]:
    """Time taken per answered main question, for a timed interview."""
    if state.config.time_limit is None:
        return []
    return [
        AnswerTime(question_id=t.question_id, seconds=t.seconds, late=t.late)
        for t in state.main_turns
        if t.answer is not None and t.seconds is not None
    ]


def _labels(topics: list[str]) -> str:
    return ", ".join(TOPIC_LABELS[Topic(t)] for t in topics)
