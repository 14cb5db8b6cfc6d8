"""What a grade says: score, verdict, key points, feedback, evidence and how it was produced."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

OFFLINE = "offline"


class Verdict(StrEnum):
    CORRECT = "correct"
    PARTIALLY_CORRECT = "partially_correct"
    INCORRECT = "incorrect"
    CONTRADICTORY = "contradictory"
    OFF_TOPIC = "off_topic"
    EMPTY = "empty"


class PointStatus(StrEnum):
    COVERED = "covered"
    PARTLY = "partly"
    MISSED = "missed"
    # The answer asserts a misconception about this point.
    CONTRADICTED = "contradicted"


class AnswerSpan(BaseModel):
    """Where in the (possibly truncated) answer a key point is covered."""

    start: int
    end: int
    text: str


class KeyPointResult(BaseModel):
    text: str
    weight: float
    status: PointStatus
    span: AnswerSpan | None = None
    # Evidence strength in [0, 1] behind the status (semantic and lexical match combined).
    match: float = 0.0


class Evidence(BaseModel):
    """A reference the grade rests on: a corpus passage, a document answer or the teacher's text."""

    chunk_id: str
    kind: str
    source: str
    text: str
    citation: str
    score: float | None = None
    question_id: str | None = None


class NumericCheck(BaseModel):
    expected: float
    unit: str
    given: float | None = None
    given_unit: str | None = None
    # The given number converted to the expected unit, when the units are compatible.
    given_converted: float | None = None
    tolerance: float
    ok: bool
    explanation: str
    convention: str | None = None


class ChoiceCheck(BaseModel):
    chosen: int | None  # 1-based, None when no option could be read from the answer
    correct: int
    options: list[str]
    ok: bool


class Insights(BaseModel):
    """An interviewer's notes on the answer, independent of the score."""

    terms_used: list[str] = Field(default_factory=list)
    terms_missed: list[str] = Field(default_factory=list)
    words: int = 0
    expected_words: int = 0
    length: str = "ok"  # "short" | "ok" | "long"
    filler_ratio: float = 0.0
    repetition_ratio: float = 0.0
    flags: list[str] = Field(default_factory=list)


class Grade(BaseModel):
    score: float = Field(ge=0, le=10)
    verdict: Verdict
    key_points: list[KeyPointResult] = Field(default_factory=list)
    misconceptions: list[str] = Field(default_factory=list)
    # The holistic term of the score formula (formula.py): similarity, length and misconception
    # margin, within ±1; an LLM judge's statuses are scored with the same one.
    adjustment: float = 0.0
    feedback: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    numeric_check: NumericCheck | None = None
    choice_check: ChoiceCheck | None = None
    grader: str = OFFLINE  # "offline" or "llm:<model>"
    fallback_notice: str | None = None
    confidence: float = Field(0.5, ge=0, le=1)
    insights: Insights = Field(default_factory=Insights)
    lang: str | None = None  # the candidate's language, as detected or given
    reference_source: str = "none"  # "key" | "document" | "teacher" | "retrieved" | "none"
    notices: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """The grader as shown to people: a fallback is never silent."""
        return f"{self.grader} (fallback)" if self.fallback_notice else self.grader
