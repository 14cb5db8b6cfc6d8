"""An interview plan from a job description: the skills it names, matched to the bank offline.

The skills are the glossary's ML concepts the text names (`corpus/glossary.jsonl`, in any of
the corpus's four languages), in the order the text names them. Each is searched in the bank
(hybrid search, questions only, by its English name) and a hit counts only if the question
itself names the concept: a search always returns something, and a question merely near "RAG"
is no reason to ask it. A question scores by the skills it names (more the better their search
ranked it; fields named in passing, "ML engineer", count a quarter), times the weight of its
topic among all the skills' hits, so a description about one area gets that area's questions
first. Every question says which skill chose it. A description that names no ML concept, or only
concepts the bank has no question on, is refused with the reason instead of an unrelated
interview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel

from coach.corpus import glossary
from coach.corpus.models import Topic
from coach.errors import CoachError
from coach.interview.models import PlannedQuestion
from coach.settings import get_settings

if TYPE_CHECKING:
    from coach.search.hybrid import Hit

HITS_PER_SKILL = 10
MAX_SKILLS = 40  # a long description names many; the plan only ever reaches the first ones
# A field named in passing ("an ML engineer", "LLM products") counts for less than a skill.
UMBRELLA_WEIGHT = 0.25


class Tailoring(BaseModel):
    skills: list[str]  # every concept the description names, in its order
    uncovered: list[str]  # those the bank has no question on
    plan: list[PlannedQuestion]


class NothingToAsk(CoachError):
    """The job description gives no skill the bank can ask about."""


def tailor(text: str, questions: int, skills: Sequence[str] = ()) -> Tailoring:
    """Up to `questions` bank questions for the skills `text` names (see the module doc);
    `skills`: those an LLM read in it (skills.py), matched first, in their order."""
    terms = glossary.load(get_settings().corpus_dir)
    found_in = [*skills, text]
    ordered = [c for part in found_in for c in terms.concepts(part, outermost=True)]
    concepts = list(dict.fromkeys(ordered))[:MAX_SKILLS]
    if not concepts:
        raise NothingToAsk(
            "the job description names no ML, NLP or LLM topic the question bank covers; "
            "start a general interview or pick a --topic instead"
        )
    found: dict[str, _Found] = {}
    uncovered: list[str] = []
    # The area the description is about: the topics its skills' hits fall in, named or not.
    area: dict[Topic | None, float] = {}
    for concept in concepts:
        term = terms.terms[concept]
        weight = UMBRELLA_WEIGHT if term.umbrella else 1.0
        hits = _questions(", ".join(term.en))  # every English form: BM25 meets "FAISS" too
        for rank, hit in enumerate(hits):
            area[hit.topic] = area.get(hit.topic, 0.0) + weight / (1 + rank)
        named = [
            h
            for h in hits
            if h.question_id and concept in terms.concepts(f"{h.text}\n{h.text_en or ''}")
        ]
        if not named:
            uncovered.append(term.en[0])
        for rank, hit in enumerate(named):
            entry = found.setdefault(hit.question_id or "", _Found(topic=hit.topic))
            entry.add(term.en[0], weight / (1 + rank))
    if not found:
        raise NothingToAsk(
            "the question bank has no questions on what the job description asks for: "
            + ", ".join(uncovered)
        )
    eligible = sorted(found, key=lambda q: -found[q].score * area[found[q].topic])
    return Tailoring(
        skills=[terms.terms[c].en[0] for c in concepts],
        uncovered=uncovered,
        plan=[PlannedQuestion(question_id=q, skill=found[q].skill) for q in eligible[:questions]],
    )


@dataclass
class _Found:
    """A bank question that names some of the description's skills."""

    topic: Topic | None
    score: float = 0.0
    skill: str = ""  # the skill that ranked it highest
    best: float = 0.0

    def add(self, skill: str, weight: float) -> None:
        self.score += weight
        if weight > self.best:
            self.skill, self.best = skill, weight


def _questions(query: str) -> list[Hit]:
    from coach.search import hybrid

    return hybrid.search(query, k=HITS_PER_SKILL, kind="question")
