"""The LLM grader: the model judges each key point and names wrong claims; the answer travels
as JSON data. The model states no score: code computes it from the statuses (formula.py).

Structured output first (`with_structured_output`, JSON schema); a model or server without it
gets the same request as plain text, parsed leniently (broken JSON is mended locally). A reply
that still is not the judgment asked for gets one repair request; a second failure, or a
backend that is down, leaves the offline grade in place with a notice saying so (see
`grade_with_llm` in coach.grading).
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from coach.grading.rubric import Rubric
from coach.llm import prompts
from coach.llm.text_calls import repair_json

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "zh": "Chinese", "fa": "Persian"}
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class PointJudgment(BaseModel):
    index: int = Field(description="1-based number of the key point")
    status: Literal["covered", "partly", "missed", "contradicted"]
    quote: str = Field("", description="the answer's words that cover or contradict the point")


class Judgment(BaseModel):
    """What the model returns: statuses and claims, never a score (formula.py makes it)."""

    key_points: list[PointJudgment]
    misconceptions: list[str] = Field(
        default_factory=list, description="wrong statements the answer makes, quoted"
    )
    feedback: str = ""


class JudgmentError(Exception):
    """The model's reply could not be read as a Judgment, even after the repair request."""


def model_label(llm: BaseChatModel) -> str:
    for attribute in ("model_name", "model", "model_id"):
        value = getattr(llm, attribute, None)
        if isinstance(value, str) and value:
            return value
    return type(llm).__name__


def messages(rubric: Rubric, answer: str, lang: str | None) -> list[BaseMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    language = LANGUAGE_NAMES.get(lang or "", "the language of the candidate's answer")
    data = {
        "question": rubric.question,
        "question_en": rubric.question_en,
        "key_points": [
            {"index": i, "text": p.text, "weight": p.weight, "also_phrased_as": p.alt}
            for i, p in enumerate(rubric.points, start=1)
        ],
        "reference": rubric.reference,
        "known_misconceptions": rubric.misconceptions,
        "options": rubric.options_en or rubric.options,
        "candidate_answer": answer,
    }
    # json.dumps escapes quotes and newlines, so nothing in the answer can end the data block.
    data_json = json.dumps(data, ensure_ascii=False, indent=1)
    return [
        SystemMessage(prompts.render("grade", feedback_language=language)),
        HumanMessage(prompts.render("grade_data", data_json=data_json)),
    ]


def judge(llm: BaseChatModel, rubric: Rubric, answer: str, lang: str | None) -> Judgment:
    """The model's judgment; JudgmentError when its reply stays unreadable after one repair.
    Backend failures propagate as the provider raised them."""
    # Inside the interviewer agent a streaming handler is attached, which makes the client
    # stream this JSON too: its chunks join the agent's token stream, and langchain-openai's
    # chunk dump warns about the parsed Judgment (PydanticSerializationUnexpectedValue).
    llm = llm.model_copy(update={"disable_streaming": True})
    sent = messages(rubric, answer, lang)
    judgment, raw = _first_try(llm, sent)
    try:
        return _checked(judgment or parse(raw), rubric)
    except JudgmentError as exc:
        log.info("LLM grader reply unusable (%s); asking once for a repair", exc)
        from langchain_core.messages import AIMessage, HumanMessage

        said = raw or (judgment.model_dump_json() if judgment else "")
        repair = [
            *sent,
            AIMessage(said or "(empty reply)"),
            HumanMessage(prompts.render("grade_repair", error=str(exc))),
        ]
        return _checked(parse(_text(llm.invoke(repair))), rubric)


def _checked(judgment: Judgment, rubric: Rubric) -> Judgment:
    """A judgment that judges this rubric's points (indices 1..n), else JudgmentError."""
    count = len(rubric.points)
    valid = [p for p in judgment.key_points if 1 <= p.index <= count]
    if count and not valid:
        raise JudgmentError(f"no key point judged (expected indices 1 to {count})")
    return judgment.model_copy(update={"key_points": valid})


def _first_try(llm: BaseChatModel, sent: list[BaseMessage]) -> tuple[Judgment | None, str]:
    try:
        structured = llm.with_structured_output(Judgment, method="json_schema", include_raw=True)
    except (NotImplementedError, ValueError):
        # A model without structured output (or without this method): plain text it is.
        return None, _text(llm.invoke(sent))
    try:
        out: dict[str, Any] = structured.invoke(sent)  # type: ignore[assignment]
    except Exception as exc:
        from coach.llm.failures import truncated_reply

        # A judgment cut off at the token limit is a broken reply to repair, not a dead backend.
        partial = truncated_reply(exc)
        if partial is None:
            raise
        return None, partial
    parsed = out.get("parsed")
    if isinstance(parsed, Judgment):
        return parsed, ""
    return None, _text(out.get("raw"))


def _text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):
        content = "".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content
        )
    return content if isinstance(content, str) else ""


def parse(raw: str) -> Judgment:
    """A Judgment from a reply that may wrap its JSON in prose or a code fence, or break it
    (trailing commas, single quotes, a cut-off end): mended here, which saves the model a
    repair round trip; what still does not fit the Judgment gets one."""
    if not raw.strip():
        raise JudgmentError("the reply was empty")
    fenced = _FENCE.search(raw)
    candidate = fenced.group(1) if fenced else raw
    start = candidate.find("{")
    value = repair_json(candidate[start:]) if start >= 0 else None
    if not isinstance(value, dict):
        raise JudgmentError("no JSON object in the reply")
    try:
        return Judgment.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise JudgmentError(f"field {where}: {first['msg']}") from exc
