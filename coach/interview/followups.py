"""Follow-up probes: a key point the answer missed becomes the next question.

Where the answer key has a follow-up question about that point, it is asked as written;
otherwise a probe names the point by its shortest phrasing in the interview's language, which
points the candidate at the gap without handing over the answer.
"""

from __future__ import annotations

from coach.corpus.key import KeyEntry, KeyPoint
from coach.corpus.models import Kind
from coach.grading.models import Grade
from coach.interview.messages import say
from coach.interview.models import InterviewState, Turn
from coach.interview.selection import words_of
from coach.text import detect_lang

# A partial answer is worth probing: good enough answers move on, and so do answers that
# missed nearly everything (the reference teaches more than a probe there).
PROBE_BELOW = 8.0
PROBE_FROM = 2.0
MIN_WEIGHT = 0.15
SKIP_VERDICTS = frozenset({"empty", "off_topic"})


def make(state: InterviewState, turn: Turn, entry: KeyEntry | None) -> Turn | None:
    """The follow-up turn a graded main turn calls for, or None to move on."""
    grade = turn.grade
    if grade is None or turn.follow_up_of is not None or turn.kind == Kind.MULTIPLE_CHOICE:
        return None
    asked = sum(1 for t in state.turns if t.follow_up_of == turn.index)
    if asked >= state.config.follow_ups or not _worth_probing(grade):
        return None
    missed = missed_points(grade, entry)
    if not missed:
        return None
    text = _from_key(entry, missed) or say("probe", state.lang, point=aspect(missed[0], state.lang))
    total = sum(p.weight for p in missed)
    probes = [p.model_copy(update={"weight": p.weight / total}) for p in missed]
    return Turn(
        index=len(state.turns),
        question_id=f"{turn.question_id}#f{asked + 1}",
        text=text,
        topic=turn.topic,
        kind=Kind.OPEN,
        difficulty=turn.difficulty,
        follow_up_of=turn.index,
        probe_points=probes,
    )


def _worth_probing(grade: Grade) -> bool:
    return PROBE_FROM <= grade.score < PROBE_BELOW and str(grade.verdict) not in SKIP_VERDICTS


def missed_points(grade: Grade, entry: KeyEntry | None) -> list[KeyPoint]:
    """The key's points the grade marks missed, heaviest first, above a minimal weight."""
    by_text = {p.text: p for p in entry.key_points} if entry else {}
    missed = []
    for point in grade.key_points:
        if str(point.status) != "missed":
            continue
        known = by_text.get(point.text)
        missed.append(known or KeyPoint(text=point.text, weight=MIN_WEIGHT))
    missed = [p for p in missed if p.weight >= MIN_WEIGHT]
    return sorted(missed, key=lambda p: -p.weight)


def _from_key(entry: KeyEntry | None, missed: list[KeyPoint]) -> str | None:
    """The key's follow-up question sharing the most words with the missed points (≥ 2)."""
    if entry is None or not entry.follow_ups:
        return None
    target = frozenset().union(*(words_of(" ".join([p.text, *p.alt])) for p in missed))
    best = max(entry.follow_ups, key=lambda q: len(words_of(q) & target))
    return best if len(words_of(best) & target) >= 2 else None


def _phrasings(point: KeyPoint, lang: str) -> list[str]:
    """The point's alternative phrasings in `lang`, else in English."""
    in_lang = [a for a in point.alt if detect_lang(a) == lang]
    return in_lang or [a for a in point.alt if detect_lang(a) == "en"]


def phrase(point: KeyPoint, lang: str) -> str:
    """The point's shortest phrasing (a few key terms, for a hint), else its text."""
    found = _phrasings(point, lang)
    return min(found, key=len) if found else point.text.rstrip(".")


def aspect(point: KeyPoint, lang: str) -> str:
    """The point's most descriptive short phrasing (up to 8 words), naming what a probe asks
    about without stating the whole point."""
    found = [a for a in _phrasings(point, lang) if len(a.split()) <= 8]
    return max(found, key=len) if found else point.text.rstrip(".")
