"""With an LLM, one call reads the skills a job description or résumé names, in English and in
their usual names, before the offline matching: "Qdrant/Milvus-style ANN stores" becomes
"vector database", and a description in any language gets English names the glossary knows.

The document is data in the prompt (`prompts/jd_skills.j2`); the reply is held to a list of
short phrases, so what the model says cannot steer anything but the match.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, ValidationError

from coach.errors import CoachError, LLMUnavailable
from coach.llm import prompts
from coach.llm.text_calls import repair_json

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

LIMIT = 12
MAX_CHARS = 12_000  # a long résumé's first pages carry its skills
MAX_WORDS = 6  # a skill is a noun phrase, not a sentence


class Skills(BaseModel):
    skills: list[str] = Field(default_factory=list)


def extract_skills(llm: BaseChatModel, document: str) -> list[str]:
    """The skills the model reads in `document`; LLMUnavailable when it cannot be asked or
    its reply holds no list of skills."""
    from langchain_core.messages import HumanMessage

    from coach.llm.failures import describe_failure

    data_json = json.dumps({"document": document[:MAX_CHARS]}, ensure_ascii=False)
    sent = [HumanMessage(prompts.render("jd_skills", data_json=data_json, limit=LIMIT))]
    try:
        reply = llm.model_copy(update={"disable_streaming": True}).invoke(sent)
    except Exception as exc:
        failure = describe_failure(exc)
        if failure is None:
            raise
        raise failure from exc
    content = reply.content if isinstance(reply.content, str) else str(reply.content)
    start = content.find("{")
    try:
        skills = Skills.model_validate(repair_json(content[start:]) if start >= 0 else None)
    except ValidationError as exc:
        raise LLMUnavailable("the skill reader", "its reply held no list of skills") from exc
    return _clean(skills.skills)


def _clean(skills: list[str]) -> list[str]:
    kept: list[str] = []
    for skill in skills:
        phrase = " ".join(str(skill).split()).strip(" .;,")
        if (
            phrase
            and len(phrase.split()) <= MAX_WORDS
            and phrase.lower() not in map(str.lower, kept)
        ):
            kept.append(phrase)
    return kept[:LIMIT]


def read_skills(llm: BaseChatModel | None, document: str) -> tuple[list[str], str | None]:
    """(skills, notice): the model's skills, or none and why, so the matching goes on offline."""
    if llm is None:
        return [], None
    try:
        return extract_skills(llm, document), None
    except CoachError as exc:
        log.warning("skill extraction failed: %s", exc)
        return [], f"the LLM could not read the skills ({exc}); matched offline"
