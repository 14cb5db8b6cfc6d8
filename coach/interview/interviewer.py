"""What every face drives: the rule-driven Interview and the LLM AgentInterviewer both start an
interview, take one candidate message at a time (typed, or spoken with its transcript) and
yield the events that follow; the faces (CLI, UI) depend on this, not on either class."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from coach.interview.events import Event
from coach.interview.models import InterviewState
from coach.speech.models import Transcript


class Interviewer(Protocol):
    @property
    def state(self) -> InterviewState: ...

    def start(self) -> Iterator[Event]: ...

    def respond(self, text: str, spoken: Transcript | None = None) -> Iterator[Event]: ...
