"""The state of one interview: its settings, every turn, and where the flow stands.

The whole state is one pydantic model, so a session row stores it as JSON and `--resume`
restores it exactly; the turn table beside it (coach.sessions.store) is for queries and reports.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from coach.corpus.key import Difficulty, KeyPoint
from coach.corpus.models import Kind, Topic
from coach.grading.models import Grade
from coach.speech.models import Transcript

LEVELS = (Difficulty.JUNIOR, Difficulty.MIDDLE, Difficulty.SENIOR)


def now() -> datetime:
    return datetime.now(UTC)


class PlannedQuestion(BaseModel):
    """A question chosen for a job description (tailoring.py), asked before any other."""

    question_id: str
    skill: str  # the concept of the job description that chose it


class InterviewConfig(BaseModel):
    topic: Topic | None = None
    difficulty: Difficulty | None = None  # fixed by the candidate; None adapts to answers
    lang: str | None = None  # None: detected from the first answer
    questions: int = Field(5, ge=1, le=100)
    llm: str = "none"
    follow_ups: int = Field(1, ge=0, le=3)
    review: list[str] = Field(default_factory=list)  # question ids to ask first (`coach review`)
    plan: list[PlannedQuestion] = Field(default_factory=list)  # then these (`--jd`)
    time_limit: int | None = Field(None, ge=10, le=3600)  # seconds per question; None: untimed


class Turn(BaseModel):
    index: int
    question_id: str
    text: str  # as shown to the candidate
    topic: Topic
    kind: Kind
    difficulty: Difficulty | None = None
    options: list[str] = Field(default_factory=list)
    follow_up_of: int | None = None  # the parent turn's index
    probe_points: list[KeyPoint] = Field(default_factory=list)  # what a follow-up probes
    skill: str | None = None  # the job description's skill that chose it (`--jd`)
    answer: str | None = None
    grade: Grade | None = None
    hints: list[str] = Field(default_factory=list)
    revealed: bool = False
    skipped: bool = False
    replaced: bool = False  # dropped unanswered when the candidate steered elsewhere
    notices: list[str] = Field(default_factory=list)
    asked_at: datetime = Field(default_factory=now)
    answered_at: datetime | None = None
    late: bool = False  # answered after the interview's time limit (still graded)
    spoken: Transcript | None = None  # a spoken answer's transcript (`answer` may be edited)

    @property
    def done(self) -> bool:
        return self.grade is not None or self.skipped or self.replaced

    @property
    def seconds(self) -> float | None:
        if self.answered_at is None:
            return None
        return round((self.answered_at - self.asked_at).total_seconds(), 1)


class InterviewState(BaseModel):
    id: str
    created_at: datetime = Field(default_factory=now)
    config: InterviewConfig
    lang: str = "en"  # the language questions and feedback are shown in
    lang_detected: bool = False
    backend: str = "offline"  # "offline" or the LLM spec in use
    level: Difficulty = Difficulty.MIDDLE  # the adaptive target
    focus: Topic | None = None  # a topic the candidate asked for
    turns: list[Turn] = Field(default_factory=list)
    finished: bool = False

    @property
    def current(self) -> Turn | None:
        """The last turn, if it is still open or answered but not yet graded."""
        if self.turns and not self.turns[-1].done:
            return self.turns[-1]
        return None

    @property
    def known_lang(self) -> str | None:
        """The language once chosen or heard; None while the default is only a guess."""
        return self.lang if self.config.lang or self.lang_detected else None

    @property
    def main_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.follow_up_of is None and not t.replaced]

    @property
    def graded(self) -> list[Turn]:
        return [t for t in self.turns if t.grade is not None]
