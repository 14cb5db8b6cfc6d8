"""The interviewer agent's LangChain tools: thin adapters over one Interview's operations.

Every tool takes a lock (the agent may run several calls of one reply in parallel threads) and
ignores arguments it does not declare: small models pass `answer=...` to grade_answer anyway,
and the answer graded is always the candidate's recorded one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict, Field

from coach.calculators.registry import CALCULATORS, langchain_tools
from coach.corpus.models import Kind

if TYPE_CHECKING:
    from coach.grading.models import Grade
    from coach.interview.machine import Interview
    from coach.interview.models import Turn

CALCULATOR_NAMES = frozenset(CALCULATORS)
# Offered for a free-form numeric request when the wording does not single one out.
COMMON_CALCULATORS = ("memory", "kv_cache", "params", "classification", "perplexity")
_CUES = {
    "kv_cache": ("kv cache", "kv-cache", "kv_cache", "кэш", "кеш"),
    "memory": ("memory", "памят", "vram", "gb", "гб", "显存", "内存", "حافظه"),
    "params": ("parameters", "params", "параметр", "参数", "پارامتر"),
    "classification": ("precision", "recall", "f1", "accuracy", "specificity", "точност", "полнот"),
    "bleu": ("bleu",),
    "rouge": ("rouge",),
    "perplexity": ("perplexit", "перплекс"),
    "cosine": ("cosine", "косинус"),
    "attention": ("attention flops", "attention cost", "o(n"),
    "training_flops": ("flops", "compute budget"),
    "chinchilla": ("chinchilla",),
}


class _NoArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _SearchArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    query: str = Field(description="What to look up, in any language")
    k: int = Field(3, ge=1, le=8, description="How many sources to return")


def calculators_for(interview: Interview, turn: Turn | None, text: str = "") -> list[str]:
    """The calculators worth offering: the key's own for a numeric question, or by wording."""
    if turn is not None:
        entry = interview.entry(turn)
        if entry and entry.numeric:
            return [entry.numeric.calculator.tool]
        if turn.kind != Kind.NUMERIC:
            return []
        text = turn.text
    lowered = text.lower()
    named = [name for name, cues in _CUES.items() if any(c in lowered for c in cues)]
    return named or list(COMMON_CALCULATORS)


def grade_observation(turn: Turn, grade: Grade) -> str:
    """The grade as the model reads it: compact, in English, with source ids to cite."""
    lines = [f"score: {grade.score:g}/10 ({grade.verdict}); graded by {grade.grader}"]
    covered = [p.text for p in grade.key_points if str(p.status) != "missed"]
    missed = [p.text for p in grade.key_points if str(p.status) == "missed"]
    if covered:
        lines.append("covered: " + "; ".join(covered))
    if missed:
        lines.append("missed: " + "; ".join(missed))
    if grade.misconceptions:
        lines.append("misconceptions: " + "; ".join(map(str, grade.misconceptions)))
    if grade.feedback:
        lines.append(f"grader feedback: {grade.feedback}")
    sources = [_source_id(e) for e in grade.evidence]
    if sources:
        lines.append("sources to cite: " + ", ".join(f"[{s}]" for s in sources if s))
    lines.append(f"(question {turn.question_id})")
    return "\n".join(lines)


def _source_id(evidence: Any) -> str:
    """The id a reply cites a source by: a bank question or a passage chunk."""
    return str(getattr(evidence, "question_id", None) or getattr(evidence, "chunk_id", ""))


class InterviewTools:
    """Builds the tools bound to one interview."""

    def __init__(self, interview: Interview) -> None:
        self.interview = interview
        self.lock = threading.Lock()

    def all(self) -> list[BaseTool]:
        own = [
            self._tool(
                self.grade_answer,
                _NoArgs,
                "Grade the candidate's latest answer (the recorded one; takes no "
                "arguments). Returns the score, the key points covered and missed, and "
                "sources to cite.",
            ),
            self._tool(
                self.next_question,
                _NoArgs,
                "Open the next question (a follow-up on a missed point, or a new one) "
                "and return it. It is shown to the candidate separately.",
            ),
            self._tool(
                self.search_corpus,
                _SearchArgs,
                "Search the course material and question bank; returns passages with "
                "source ids to cite.",
            ),
            self._tool(
                self.hint, _NoArgs, "Give the candidate the next hint for the open question."
            ),
            self._tool(
                self.reveal_reference,
                _NoArgs,
                "The reference answer to the current question and its sources.",
            ),
            self._tool(
                self.session_summary,
                _NoArgs,
                "The interview so far: scores per topic and what to review.",
            ),
        ]
        return own + langchain_tools()

    def _tool(
        self, func: Callable[..., str], schema: type[BaseModel], description: str
    ) -> BaseTool:
        def locked(**kwargs: Any) -> str:
            with self.lock:
                return func(**kwargs)

        return StructuredTool.from_function(
            func=locked, name=func.__name__, description=description, args_schema=schema
        )

    # -- the tools --------------------------------------------------------------------------
    def grade_answer(self) -> str:
        interview = self.interview
        turn = interview.state.turns[-1] if interview.state.turns else None
        if turn is None or turn.answer is None:
            return "Error: there is no answer to grade yet; wait for the candidate."
        grade = interview.grade_current()
        assert grade is not None
        return grade_observation(turn, grade)

    def next_question(self) -> str:
        interview, state = self.interview, self.interview.state
        # Code owns the order: an answer still waiting for its grade is graded first, and the
        # model learns the grade here so its reply can quote it.
        last = state.turns[-1] if state.turns else None
        graded_now = ""
        if last is not None and last.answer is not None and last.grade is None:
            grade = interview.grade_current()
            assert grade is not None
            graded_now = f"The answer was graded first:\n{grade_observation(last, grade)}\n\n"
        current = state.current
        if current is not None and current.answer is None:
            return f"{graded_now}Open question (shown to the candidate): {current.text}"
        turn = interview.advance()
        if turn is None:
            return f"{graded_now}The interview is over; call session_summary and close it warmly."
        kind = (
            "follow-up"
            if turn.follow_up_of is not None
            else (f"question {len(state.main_turns)} of {state.config.questions}")
        )
        return f"{graded_now}Next {kind} (shown to the candidate separately): {turn.text}"

    def search_corpus(self, query: str, k: int = 3) -> str:
        from coach.search import hybrid

        hits = hybrid.search(query, k=k)
        if not hits:
            return "No passages found."
        lines = []
        for hit in hits:
            text = (hit.text_en or hit.text).replace("\n", " ")
            lines.append(f"[{hit.question_id or hit.chunk_id}] ({hit.section}) {text[:400]}")
        return "\n".join(lines)

    def hint(self) -> str:
        return self.interview.hint()

    def reveal_reference(self) -> str:
        return self.interview.reveal(emit=False)

    def session_summary(self) -> str:
        summary = self.interview.summary()
        return json.dumps(summary.model_dump(exclude={"type", "text"}), ensure_ascii=False)
