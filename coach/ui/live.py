"""Live interviews by session id: what each browser's chat talks to between turns.

Gradio keeps only small serialisable values per browser (the session id, in `gr.State` and in
the browser's localStorage). The interviewer behind an id (its question pool, the LLM agent's
graph) and the chat it has rendered are built once and reused on every turn, and rebuilt from
the session store after a restart or an eviction, so a refreshed page resumes where it was. A
lock per session keeps a double-click from interleaving two turns of one interview; different
sessions share nothing but the store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.interview.models import InterviewConfig
from coach.sessions.store import SessionStore
from coach.ui.render import ChatView, transcript

if TYPE_CHECKING:
    from coach.interview.interviewer import Interviewer

CAPACITY = 256


@dataclass
class Live:
    interviewer: Interviewer
    view: ChatView
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def session_id(self) -> str:
        return str(self.interviewer.state.id)


class LiveSessions:
    """The process's open interviews, least recently used evicted first (they stay saved)."""

    def __init__(self, store: SessionStore | None = None, capacity: int = CAPACITY) -> None:
        self._store = store
        self.capacity = capacity
        self._live: OrderedDict[str, Live] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def store(self) -> SessionStore:
        with self._lock:
            if self._store is None:
                self._store = SessionStore()
            return self._store

    def open(self, config: InterviewConfig) -> Live:
        """A new interview; its start events are not drawn yet (the caller streams them)."""
        from coach.agent.interviewer import open_interviewer

        live = Live(open_interviewer(config, store=self.store), ChatView())
        self._remember(live)
        return live

    def get(self, session_id: str) -> Live:
        """The live interview, or the saved one reopened (InputError if there is none)."""
        with self._lock:
            live = self._live.get(session_id)
            if live is not None:
                self._live.move_to_end(session_id)
                return live
        from coach.agent.interviewer import open_interviewer

        interviewer = open_interviewer(resume=session_id, store=self.store)
        live = Live(interviewer, transcript(interviewer.state))
        return self._remember(live)

    def _remember(self, live: Live) -> Live:
        with self._lock:
            # Two requests may reopen one session at once; the first one kept wins.
            kept = self._live.setdefault(live.session_id, live)
            self._live.move_to_end(live.session_id)
            while len(self._live) > self.capacity:
                self._live.popitem(last=False)
            return kept
