"""What an answer is graded against: the key entry, the document's answer, a teacher's
reference, or (when nothing else exists) retrieved corpus passages."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pydantic import BaseModel, Field

from coach.corpus import bank as bank_store
from coach.corpus import key as key_store
from coach.corpus.key import KeyEntry, KeyPoint, NumericAnswer
from coach.corpus.models import Kind, Question
from coach.errors import CoachError
from coach.grading.models import Evidence
from coach.settings import get_settings
from coach.text import sentences, words

log = logging.getLogger(__name__)

MAX_DERIVED_POINTS = 6
RETRIEVED_K = 3
_CODE = re.compile(r"```.*?```|\$\$.*?\$\$", re.DOTALL)
_MARKUP = re.compile(r"[#*_`>|]+")


class Rubric(BaseModel):
    question: str
    question_id: str | None = None
    question_en: str | None = None
    lang: str | None = None
    topic: str | None = None
    kind: Kind = Kind.OPEN
    reference: str = ""
    reference_orig: str | None = None
    points: list[KeyPoint] = Field(default_factory=list)
    # True when the points were written as a rubric (key or teacher), not cut from a reference.
    authored_points: bool = False
    misconceptions: list[str] = Field(default_factory=list)
    # The question asks for a name or a number (key's short_answer): no credit for length.
    short_answer: bool = False
    options: list[str] = Field(default_factory=list)
    options_en: list[str] = Field(default_factory=list)
    correct_option: int | None = None  # 1-based
    justification: str | None = None
    numeric: NumericAnswer | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    source: str = "none"  # "key" | "document" | "teacher" | "retrieved" | "none"
    notices: list[str] = Field(default_factory=list)

    @property
    def question_texts(self) -> list[str]:
        return [t for t in (self.question, self.question_en) if t]


def build(
    question: Question | str,
    reference: str | None = None,
    key_points: list[KeyPoint] | None = None,
    *,
    retrieve: bool = True,
    asked: str | None = None,
) -> Rubric:
    """The rubric for one answer; a teacher's reference overrides the bank's.

    With a bank question and no reference, `key_points` narrow the key's points (a follow-up's
    probed points, a teacher's rubric) while its reference and sources still stand behind
    them; `asked` is the text actually asked about that question (a follow-up's)."""
    if isinstance(question, str):
        question = _bank_question(question) or question
    if isinstance(question, str):
        rubric = _teacher(question, reference, key_points, retrieve=retrieve)
    elif reference and reference.strip():
        rubric = _teacher(question.text, reference, key_points, retrieve=False)
        rubric = rubric.model_copy(update=_question_fields(question))
    else:
        corpus = str(get_settings().corpus_dir)
        rubric = _from_bank(question.model_dump_json(), corpus, retrieve).model_copy(deep=True)
        if key_points:
            rubric.points, rubric.authored_points = list(key_points), True
    if asked:
        # A follow-up asks about some points in its own words: the bank's English rendering,
        # its number and its options belong to the parent question, not to what was asked.
        rubric = rubric.model_copy(
            update={
                "question": asked,
                "question_en": None,
                "kind": Kind.OPEN,
                "numeric": None,
                "correct_option": None,
                "options": [],
                "options_en": [],
            }
        )
    return rubric


def _bank_question(text: str) -> Question | None:
    """A bank question when `text` is exactly one of its ids (how scripts refer to questions)."""
    if not re.fullmatch(r"[a-z]{2}-[\w-]+", text.strip()):
        return None
    try:
        return bank_store.load(get_settings().corpus_dir).by_id().get(text.strip())
    except CoachError:
        return None


def _question_fields(question: Question) -> dict:
    return {
        "question_id": question.id,
        "lang": question.lang,
        "topic": question.topic.value,
        "kind": question.kind,
        "options": question.options,
    }


def _teacher(
    question: str, reference: str | None, key_points: list[KeyPoint] | None, *, retrieve: bool
) -> Rubric:
    rubric = Rubric(question=question, source="teacher")
    if reference and reference.strip():
        rubric.reference = reference.strip()
        rubric.evidence = [
            Evidence(
                chunk_id="reference",
                kind="reference",
                source="answer file",
                text=rubric.reference,
                citation="teacher reference",
            )
        ]
    elif retrieve:
        _use_retrieved(rubric, question)
    rubric.points = list(key_points) if key_points else derive_points(rubric.reference)
    rubric.authored_points = bool(key_points)
    if not rubric.points and not rubric.reference:
        rubric.source = "none"
    return rubric


# Bank rubrics repeat for every answer to a question; the question travels as JSON so the
# cache key is hashable (with the corpus it was read from), and the cached rubric is copied
# before anyone changes it.
@lru_cache(maxsize=512)
def _from_bank(question_json: str, corpus: str, retrieve: bool) -> Rubric:
    question = Question.model_validate_json(question_json)
    rubric = Rubric(question=question.text, **_question_fields(question))
    entry, problem = _key_entry(question.id)
    if problem:
        rubric.notices.append(problem)
    if entry is not None:
        _use_key(rubric, entry)
    elif question.answer and question.answer.strip():
        rubric.source, rubric.reference = "document", question.answer.strip()
        rubric.points = derive_points(rubric.reference)
        rubric.evidence.append(_answer_evidence(question))
    elif retrieve:
        _use_retrieved(rubric, question.text, exclude=question.id)
        rubric.points = derive_points(rubric.reference)
    if retrieve and rubric.source in ("key", "document"):
        rubric.evidence.extend(_retrieved(rubric.question_en or question.text, question.id))
    return rubric


def _key_entry(question_id: str) -> tuple[KeyEntry | None, str | None]:
    try:
        return key_store.load(get_settings().corpus_dir).get(question_id), None
    except CoachError as exc:
        # A key file being edited must not stop grading; the grade says what it fell back to.
        log.warning("answer key unavailable: %s", exc)
        return None, f"answer key unavailable ({exc}); graded without it"


def _use_key(rubric: Rubric, entry: KeyEntry) -> None:
    rubric.source = "key"
    rubric.question_en = entry.text_en
    rubric.reference = entry.reference_en
    rubric.reference_orig = entry.reference_orig
    rubric.points = list(entry.key_points)
    rubric.authored_points = True
    rubric.misconceptions = list(entry.misconceptions)
    rubric.short_answer = entry.short_answer
    rubric.options_en = list(entry.options_en)
    rubric.correct_option = entry.correct_option
    rubric.justification = entry.justification
    rubric.numeric = entry.numeric
    rubric.evidence.extend(_citations(entry.citations))


def _citations(ids: list[str]) -> list[Evidence]:
    try:
        bank = bank_store.load(get_settings().corpus_dir)
    except CoachError:
        return []
    passages = {p.id: p for p in bank.passages}
    questions = bank.by_id()
    found: list[Evidence] = []
    for cited in ids:
        if cited in passages:
            p = passages[cited]
            found.append(
                Evidence(
                    chunk_id=p.id,
                    kind="passage",
                    source=p.source,
                    text=p.text,
                    citation=f"{p.source}:{p.line} ({p.heading})",
                )
            )
        elif cited in questions and questions[cited].answer:
            found.append(_answer_evidence(questions[cited]))
    return found


def _answer_evidence(question: Question) -> Evidence:
    return Evidence(
        chunk_id=question.id,
        kind="answer",
        source=question.source,
        text=question.answer or "",
        citation=f"{question.source}:{question.line}",
        question_id=question.id,
    )


def _retrieved(query: str, exclude: str | None) -> list[Evidence]:
    """Top corpus hits for the question; an unbuilt index means no retrieved evidence."""
    from coach.search import hybrid

    try:
        hits = hybrid.get_retriever(rebuild=False).search(query, RETRIEVED_K + 2)
    except CoachError as exc:
        log.info("no retrieved evidence: %s", exc)
        return []
    found = [
        Evidence(
            chunk_id=h.chunk_id,
            kind=h.kind,
            source=h.source,
            text=h.text_en or h.text,
            citation=f"{h.source} § {h.section}",
            score=h.score,
            question_id=h.question_id,
        )
        for h in hits
        if h.question_id is None or h.question_id != exclude
    ]
    return found[:RETRIEVED_K]


def _use_retrieved(rubric: Rubric, query: str, exclude: str | None = None) -> None:
    hits = _retrieved(query, exclude)
    rubric.evidence.extend(hits)
    if hits:
        rubric.source = "retrieved"
        rubric.reference = "\n".join(h.text for h in hits)
        rubric.notices.append(
            "no answer key for this question: graded against retrieved "
            "corpus passages, so the grade is less certain"
        )
    else:
        rubric.notices.append("no reference for this question: only relevance can be judged")


def derive_points(reference: str) -> list[KeyPoint]:
    """Key points cut from a reference: its prose sentences, merged down to at most six."""
    prose = _MARKUP.sub(" ", _CODE.sub(" ", reference))
    parts = [s.text for s in sentences(prose) if len(words(s.text)) >= 2]
    if not parts and words(prose):
        # A terse reference ("push", "O(n)") is the whole answer: one point.
        parts = [prose.strip()]
    if not parts:
        return []
    while len(parts) > MAX_DERIVED_POINTS:
        # Merge the shortest neighbouring pair, so every point keeps about one idea's length.
        i = min(range(len(parts) - 1), key=lambda j: len(parts[j]) + len(parts[j + 1]))
        parts[i : i + 2] = [f"{parts[i]} {parts[i + 1]}"]
    weight = round(1 / len(parts), 6)
    return [KeyPoint(text=p, weight=weight) for p in parts]
