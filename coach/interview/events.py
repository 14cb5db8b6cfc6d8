"""Typed events an interview yields; the CLI and the Gradio UI render them, nothing else.

Every event is a pydantic model with a literal `type`, so a face can dispatch on it and a
session can store it as JSON. Both the offline interviewer and the LLM agent yield the same
events; which one produced a turn shows in `GradeReady.grade.grader` and in `Notice`s.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from coach.grading.models import Grade
from coach.speech.models import Transcript


class QuestionAsked(BaseModel):
    type: Literal["question"] = "question"
    turn: int
    number: int  # 1-based position among the main questions
    total: int
    question_id: str
    text: str  # in the interview's language where the bank has it
    lang: str
    topic: str
    kind: str
    difficulty: str | None = None
    options: list[str] = Field(default_factory=list)
    follow_up: bool = False
    skill: str | None = None  # the job description's skill that chose it
    time_limit: int | None = None  # seconds to answer, when the interview is timed


class ToolCalled(BaseModel):
    type: Literal["tool_call"] = "tool_call"
    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    call_id: str | None = None


class ToolResult(BaseModel):
    type: Literal["tool_result"] = "tool_result"
    name: str
    output: str
    ok: bool = True
    call_id: str | None = None


class GradeReady(BaseModel):
    type: Literal["grade"] = "grade"
    turn: int
    question_id: str
    grade: Grade
    spoken: Transcript | None = None  # the answer was spoken: its transcript and length


class GradePreview(BaseModel):
    """The offline grade, the moment the answer is in, while an LLM judges it; the GradeReady
    that follows for the same turn replaces it."""

    type: Literal["grade_preview"] = "grade_preview"
    turn: int
    question_id: str
    grade: Grade
    spoken: Transcript | None = None


class Token(BaseModel):
    """A piece of the model's reply as it streams; `AgentMessage` carries the whole text."""

    type: Literal["token"] = "token"
    text: str


class Notice(BaseModel):
    """Something the user must see: a fallback, a limit, an unavailable backend."""

    type: Literal["notice"] = "notice"
    level: Literal["info", "warning"] = "info"
    code: str  # machine-readable: "offline_fallback", "turn_limit", "not_graded", ...
    text: str


class Hint(BaseModel):
    type: Literal["hint"] = "hint"
    turn: int
    level: int  # 1 = a nudge; higher levels give more away
    text: str


class TopicScore(BaseModel):
    topic: str
    answered: int
    mean_score: float


class AnswerTime(BaseModel):
    question_id: str
    seconds: float
    late: bool


class Summary(BaseModel):
    type: Literal["summary"] = "summary"
    session_id: str
    answered: int
    skipped: int
    hints: int
    mean_score: float | None
    topics: list[TopicScore] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    to_review: list[str] = Field(default_factory=list)  # question ids worth another look
    times: list[AnswerTime] = Field(default_factory=list)  # per answered question, when timed
    text: str


class AgentMessage(BaseModel):
    """The interviewer's words for the turn: feedback, an explanation, an answer to a request.

    `by` says who wrote it (the model, or the rules when there is no model or it failed);
    `streamed` says whether its text already went out as `Token`s.
    """

    type: Literal["message"] = "message"
    text: str
    by: Literal["model", "rules"] = "model"
    streamed: bool = False
    citations: list[str] = Field(default_factory=list)


Event = Annotated[
    QuestionAsked
    | ToolCalled
    | ToolResult
    | GradeReady
    | GradePreview
    | Token
    | Notice
    | Hint
    | Summary
    | AgentMessage,
    Field(discriminator="type"),
]
