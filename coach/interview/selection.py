"""Which question comes next: no repeats, no near-duplicates, the right topic and level.

Candidates are ranked by distance from the target difficulty, by whether the bank has them in
the interview's language, by whether the answer key covers them, and by how often their topic
has come up already; ties break by a generator seeded from the session id, so two sessions
differ but a resumed one picks exactly what it would have.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from coach.corpus.bank import Bank
from coach.corpus.key import Difficulty, KeyEntry
from coach.corpus.models import Question, Topic
from coach.interview.language import speaks
from coach.interview.models import LEVELS, InterviewState
from coach.text import content_terms

# Two questions whose English word sets overlap this much ask the same thing.
NEAR_DUPLICATE = 0.6


@dataclass(frozen=True)
class Candidate:
    question: Question
    entry: KeyEntry | None

    @property
    def difficulty(self) -> Difficulty | None:
        return self.entry.difficulty if self.entry else None

    @property
    def words(self) -> frozenset[str]:
        return words_of(self.entry.text_en if self.entry else self.question.text)


def words_of(text: str) -> frozenset[str]:
    return frozenset(content_terms(text))


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= NEAR_DUPLICATE


def candidates(bank: Bank, keys: dict[str, KeyEntry]) -> list[Candidate]:
    return [Candidate(q, keys.get(q.id)) for q in bank.questions]


def pick(
    state: InterviewState,
    pool: list[Candidate],
    *,
    topic: Topic | None,
    only: list[str] | None = None,
) -> Candidate | None:
    """The best unasked candidate; `only` restricts to these ids (review items, search hits)."""
    asked_ids = {t.question_id for t in state.turns}
    by_id = {c.question.id: c for c in pool}
    asked_words = [by_id[i].words for i in asked_ids if i in by_id]
    allowed = set(only) if only is not None else None
    fresh = [
        c
        for c in pool
        if c.question.id not in asked_ids
        and (allowed is None or c.question.id in allowed)
        and (topic is None or c.question.topic == topic)
        and not any(near_duplicate(c.words, seen) for seen in asked_words)
    ]
    if not fresh:
        return None
    if only is not None:
        # An explicit list (review order, search rank) is already the preference.
        order = {qid: i for i, qid in enumerate(only)}
        return min(fresh, key=lambda c: order[c.question.id])
    topics_seen = Counter(t.topic for t in state.turns)
    rng = random.Random(f"{state.id}:{len(state.turns)}")
    target = LEVELS.index(state.level)

    def rank(candidate: Candidate) -> tuple[int, int, int, int, float]:
        level = candidate.difficulty
        distance = abs(LEVELS.index(level) - target) if level else 1
        return (
            distance,
            0 if speaks(candidate.question, candidate.entry, state.lang) else 1,
            0 if candidate.entry else 1,
            topics_seen[candidate.question.topic],
            rng.random(),
        )

    return min(fresh, key=rank)


def next_level(state: InterviewState) -> Difficulty:
    """Step the target level after the last two graded main answers (≥ 7.5 up, ≤ 4 down)."""
    if state.config.difficulty is not None:
        return state.level
    scores = [t.grade.score for t in state.main_turns if t.grade is not None][-2:]
    if len(scores) < 2:
        return state.level
    mean = sum(scores) / len(scores)
    index = LEVELS.index(state.level)
    if mean >= 7.5:
        index = min(index + 1, len(LEVELS) - 1)
    elif mean <= 4.0:
        index = max(index - 1, 0)
    return LEVELS[index]


def step(level: Difficulty, by: int) -> Difficulty:
    index = max(0, min(len(LEVELS) - 1, LEVELS.index(level) + by))
    return LEVELS[index]
