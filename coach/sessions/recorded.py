"""An interviewer whose every exchange is recorded: the state saved once, reviews scheduled.

The interview core (coach.interview) only changes state and emits events; this wrapper is the
one place that writes them down. After each exchange (an opening or a reply, however many
events it yields, and even when the face stops reading early) the state is saved in one write,
and every main question finished since (graded or skipped) is scheduled for review with FSRS.
"""

from __future__ import annotations

from collections.abc import Iterator

from coach.interview.events import Event
from coach.interview.interviewer import Interviewer
from coach.interview.models import InterviewState, Turn
from coach.sessions.store import SessionStore
from coach.speech.models import Transcript


class RecordedInterviewer:
    def __init__(self, inner: Interviewer, store: SessionStore) -> None:
        self.inner, self.store = inner, store
        self._scheduled: set[int] = set()  # turn indexes reviewed by this process

    @property
    def state(self) -> InterviewState:
        return self.inner.state

    def start(self) -> Iterator[Event]:
        yield from self._recorded(self.inner.start())

    def respond(self, text: str, spoken: Transcript | None = None) -> Iterator[Event]:
        yield from self._recorded(self.inner.respond(text, spoken))

    def _recorded(self, events: Iterator[Event]) -> Iterator[Event]:
        try:
            yield from events
        finally:
            self._record()

    def _record(self) -> None:
        """Schedule the newly finished main questions, then save the state."""
        state = self.state
        for turn in state.turns:
            if turn.index not in self._scheduled and _reviewable(turn):
                # Idempotent in the store too: a resumed session never reviews a turn twice.
                self.store.review(state, turn)
                self._scheduled.add(turn.index)
        self.store.save(state)


def _reviewable(turn: Turn) -> bool:
    """A main question the candidate answered (graded) or gave up on (skipped)."""
    return (
        turn.follow_up_of is None and not turn.replaced and (turn.grade is not None or turn.skipped)
    )
