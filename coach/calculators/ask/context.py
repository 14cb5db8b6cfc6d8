"""The question being read (its text, language, filled assumptions and missing inputs) and
the calculator calls it maps to."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from coach.calculators.ask.messages import Lang, say


class AskCall(BaseModel):
    """One calculator call a question maps to (a comparison question maps to several)."""

    tool: str
    args: dict[str, Any]
    label: str = ""


class Context:
    """The question being read, plus the assumptions filled in and the inputs still missing."""

    def __init__(self, text: str, lang: Lang) -> None:
        self.text, self.lang = text, lang
        self.filled: list[str] = []
        self.missing: list[str] = []

    def fill(self, key: str, **values: Any) -> None:
        self.filled.append(say(key, self.lang, **values))

    def need(self, key: str) -> None:
        self.missing.append(say(key, self.lang))
