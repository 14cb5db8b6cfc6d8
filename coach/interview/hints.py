"""Hints that give away a little more each time, and the reference answer for "explain".

Level 1 names the key terms of the heaviest point, level 2 states that point, level 3 gives
the first sentence of the reference. A multiple-choice hint rules out a wrong option instead.
"""

from __future__ import annotations

import re

from coach.corpus.key import KeyEntry
from coach.corpus.models import Kind, Question
from coach.interview.followups import phrase
from coach.interview.messages import say
from coach.interview.models import Turn

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def hint(
    turn: Turn, question: Question, entry: KeyEntry | None, lang: str, level: int
) -> str | None:
    """Hint number `level` (1-based) for the turn, or None when there is no more to give."""
    if turn.kind == Kind.MULTIPLE_CHOICE:
        return _option_hint(turn, entry, lang, level)
    points = turn.probe_points or (entry.key_points if entry else [])
    ranked = sorted(points, key=lambda p: -p.weight)
    if level == 1 and ranked:
        terms = ", ".join(dict.fromkeys(phrase(p, lang) for p in ranked[:2]))
        return say("hint_terms", lang, terms=terms)
    if level == 2 and ranked:
        point = ranked[0].text
        return say("hint_point", lang, point=point[:1].lower() + point[1:])
    if level in (2, 3):
        reference = reference_text(entry, question, lang)
        if reference:
            return _SENTENCE_END.split(reference.strip())[0]
    return None


def _option_hint(turn: Turn, entry: KeyEntry | None, lang: str, level: int) -> str | None:
    if entry is None or entry.correct_option is None:
        return None
    wrong = [i for i in range(1, len(turn.options) + 1) if i != entry.correct_option]
    # Rule out options from the last, one per hint, leaving at least two to choose from.
    if level > len(wrong) - 1:
        return None
    return say("hint_option", lang, option=chr(ord("A") + wrong[-level] - 1))


def reference_text(entry: KeyEntry | None, question: Question, lang: str) -> str | None:
    """The reference in the question's own language when asked so, else the English one."""
    if entry is not None:
        if lang == question.lang and entry.reference_orig:
            return entry.reference_orig
        return entry.reference_en
    return question.answer
