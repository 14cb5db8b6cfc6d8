"""The interview's state machine: ask → answer → grade → feedback → follow-up or next.

Code owns the flow. Each operation changes the state and queues the events it caused in
`outbox`; `respond` is the rule-driven interviewer (the whole interview with no LLM), and the
LLM agent drives the same operations through tools, falling back to `respond`'s steps
whenever the model does not do its part.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

from coach.corpus import bank as bank_store
from coach.corpus import key as key_store
from coach.corpus.key import KeyEntry
from coach.corpus.models import Question
from coach.corpus.topics import TOPIC_LABELS
from coach.errors import CoachError
from coach.grading import grade
from coach.grading.models import Grade
from coach.interview import followups, hints, language, selection
from coach.interview.events import (
    AgentMessage,
    Event,
    GradePreview,
    GradeReady,
    Hint,
    Notice,
    QuestionAsked,
    Summary,
    ToolCalled,
    ToolResult,
)
from coach.interview.messages import say
from coach.interview.models import InterviewConfig, InterviewState, Turn, now
from coach.interview.steering import Intent, IntentKind, asks, parse
from coach.interview.summary import summarise
from coach.settings import get_settings
from coach.speech.models import Transcript
from coach.text import detect_lang

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

MAX_HINTS = 3


def new_state(config: InterviewConfig) -> InterviewState:
    stamp = now().strftime("%Y%m%d-%H%M%S")
    state = InterviewState(
        id=f"{stamp}-{uuid.uuid4().hex[:4]}", config=config, lang=config.lang or "en"
    )
    if config.difficulty is not None:
        state.level = config.difficulty
    return state


class Interview:
    """One interview's flow: operations on its state that emit events. It does no I/O of its
    own; a recorder (coach.sessions.recorded) persists the state and schedules reviews. The
    model that grades beside the offline evidence, if any, comes in through `use_backend`."""

    def __init__(self, state: InterviewState) -> None:
        settings = get_settings()
        self.state = state
        self.llm: BaseChatModel | None = None
        self.bank = bank_store.load(settings.corpus_dir)
        self.keys = key_store.load(settings.corpus_dir)
        self.pool = selection.candidates(self.bank, self.keys)
        self.outbox: list[Event] = []

    # -- lookups --------------------------------------------------------------------------
    def question(self, turn: Turn) -> Question:
        parent = self.state.turns[turn.follow_up_of] if turn.follow_up_of is not None else turn
        return self.bank.question(parent.question_id)

    def entry(self, turn: Turn) -> KeyEntry | None:
        return self.keys.get(self.question(turn).id)

    @property
    def grader_llm(self) -> BaseChatModel | None:
        return self.llm if get_settings().llm_grading else None

    @property
    def last_graded(self) -> Turn | None:
        graded = self.state.graded
        return graded[-1] if graded else None

    def drain(self) -> list[Event]:
        events, self.outbox = self.outbox, []
        return events

    def emit(self, event: Event) -> None:
        self.outbox.append(event)

    def notice(self, code: str, text: str, level: str = "info") -> None:
        self.emit(Notice(code=code, text=text, level="warning" if level == "warning" else "info"))
        if self.state.turns:
            self.state.turns[-1].notices.append(text)

    def use_backend(self, llm: BaseChatModel | None, backend: str) -> None:
        """Grade with `llm` (None: offline only) from now on; `backend` names it in the state."""
        self.llm, self.state.backend = llm, backend

    # -- asking ---------------------------------------------------------------------------
    def start(self) -> Iterator[Event]:
        """Open the interview, or re-show the open question of a resumed one."""
        current = self.state.current
        if self.state.finished:
            self.emit(self.summary())
        elif current is not None and current.answer is None:
            self.emit(self._asked(current))
        else:
            self.advance()
        yield from self.drain()

    def advance(self) -> Turn | None:
        """Ask what comes next: a due follow-up, a new question, or the summary at the end."""
        if self.state.finished:
            return None
        current = self.state.current
        if current is not None:
            return current  # still open: nothing to advance past
        last = self.last_graded
        if last is not None and last is self.state.turns[-1]:
            probe = followups.make(self.state, last, self.entry(last))
            if probe is not None:
                return self._open(probe)
        if len(self.state.main_turns) >= self.state.config.questions:
            self.finish()
            return None
        candidate = self._pick()
        if candidate is None:
            self.notice("nothing_left", say("nothing_left", self.state.lang), "warning")
            self.finish()
            return None
        return self._open(self._turn_for(candidate.question, candidate.entry))

    def _pick(self, only: list[str] | None = None) -> selection.Candidate | None:
        state = self.state
        asked = {t.question_id for t in state.turns}
        # Due reviews first, then the job description's plan, each in its own order.
        for first in (state.config.review, [p.question_id for p in state.config.plan]):
            waiting = [q for q in first if q not in asked]
            if only is None and waiting:
                found = selection.pick(state, self.pool, topic=None, only=waiting)
                if found is not None:
                    return found
        topic = state.focus or state.config.topic
        found = selection.pick(state, self.pool, topic=topic, only=only)
        if found is None and topic is not None and only is None:
            self.notice(
                "topic_exhausted", say("topic_exhausted", state.lang, topic=TOPIC_LABELS[topic])
            )
            state.focus = None
            found = selection.pick(state, self.pool, topic=None)
        return found

    def _turn_for(self, question: Question, entry: KeyEntry | None) -> Turn:
        lang = self.state.lang
        return Turn(
            index=len(self.state.turns),
            question_id=question.id,
            text=language.question_text(question, entry, lang),
            topic=question.topic,
            kind=question.kind,
            difficulty=entry.difficulty if entry else None,
            options=language.question_options(question, entry, lang),
            skill=next(
                (p.skill for p in self.state.config.plan if p.question_id == question.id), None
            ),
        )

    def _open(self, turn: Turn) -> Turn:
        self.state.turns.append(turn)
        self.emit(self._asked(turn))
        return turn

    def _asked(self, turn: Turn) -> QuestionAsked:
        number = sum(1 for t in self.state.main_turns if t.index <= turn.index)
        text = turn.text
        if turn.follow_up_of is not None:
            text = say("follow_up", self.state.lang, text=turn.text)
        return QuestionAsked(
            turn=turn.index,
            number=max(number, 1),
            total=self.state.config.questions,
            question_id=turn.question_id,
            text=text,
            lang=self.state.lang,
            topic=turn.topic.value,
            kind=turn.kind.value,
            difficulty=turn.difficulty.value if turn.difficulty else None,
            options=turn.options,
            follow_up=turn.follow_up_of is not None,
            skill=turn.skill,
            time_limit=self.state.config.time_limit,
        )

    # -- answering and grading ------------------------------------------------------------
    def record_answer(self, text: str, spoken: Transcript | None = None) -> Turn | None:
        """Store the candidate's answer on the open question; None if there is none open.
        `spoken`: the transcript the (possibly edited) text came from."""
        turn = self.state.current
        if turn is None or turn.answer is not None:
            return None
        limit = get_settings().max_answer_chars
        if len(text) > limit:
            self.notice("truncated", say("truncated", self.state.lang, limit=limit), "warning")
            text = text[:limit]
        turn.answer, turn.answered_at, turn.spoken = text, now(), spoken
        self._clock(turn)
        if self.state.known_lang is None:
            detected = detect_lang(text)
            if detected:
                self.state.lang, self.state.lang_detected = detected, True
        return turn

    def _clock(self, turn: Turn) -> None:
        """Mark an answer given after the time limit; it is graded all the same."""
        limit, seconds = self.state.config.time_limit, turn.seconds
        if limit is not None and seconds is not None and seconds > limit:
            turn.late = True
            self.notice(
                "late", say("late", self.state.lang, seconds=seconds, limit=limit), "warning"
            )

    def grade_current(self) -> Grade | None:
        """Grade the recorded answer of the current turn, once; None if nothing to grade."""
        turn = self.state.turns[-1] if self.state.turns else None
        if turn is None or turn.answer is None:
            return None
        if turn.grade is not None:
            return turn.grade
        result = self._grade(turn, self.grader_llm)
        turn.grade = result
        self.emit(
            GradeReady(
                turn=turn.index, question_id=turn.question_id, grade=result, spoken=turn.spoken
            )
        )
        self._complete()
        return result

    def preview_current(self) -> None:
        """With an LLM grader, the offline grade of the recorded answer at once (< 1 s), so
        the candidate sees the evidence while the model judges it."""
        turn = self.state.current
        if self.grader_llm is None or turn is None or turn.answer is None or turn.grade:
            return
        preview = self._grade(turn, None)
        self.emit(
            GradePreview(
                turn=turn.index, question_id=turn.question_id, grade=preview, spoken=turn.spoken
            )
        )

    def _grade(self, turn: Turn, llm: BaseChatModel | None) -> Grade:
        # A follow-up is graded on the points it probes, against its parent question's key.
        return grade(
            self.question(turn),
            turn.answer or "",
            key_points=turn.probe_points or None,
            asked=turn.text if turn.follow_up_of is not None else None,
            llm=llm,
            lang=self.state.lang,
        )

    def _complete(self) -> None:
        """A turn is done: adapt the level (its review is scheduled by the recorder)."""
        self.state.level = selection.next_level(self.state)

    # -- requests -------------------------------------------------------------------------
    def skip(self) -> None:
        turn = self.state.current
        if turn is None:
            return
        turn.skipped, turn.answered_at = True, now()
        self.notice("skipped", say("skipped", self.state.lang))
        self._complete()

    def hint(self) -> str:
        """The next hint for the open (or last graded) question, or a notice that there is none."""
        turn = self.state.current or self.last_graded
        level = len(turn.hints) + 1 if turn else 0
        text = None
        if turn is not None and level <= MAX_HINTS:
            text = hints.hint(turn, self.question(turn), self.entry(turn), self.state.lang, level)
        if turn is None or text is None:
            self.notice("no_hint", say("no_hint", self.state.lang))
            return say("no_hint", self.state.lang)
        turn.hints.append(text)
        self.emit(Hint(turn=turn.index, level=len(turn.hints), text=text))
        return text

    def reveal(self, *, emit: bool = True) -> str:
        """The reference answer of the open (or last graded) question, with its citations.

        `emit=False` is for the agent, which explains the reference in its own words.
        """
        turn = self.state.current or self.last_graded
        if turn is None:
            return say("no_reference", self.state.lang)
        entry, question = self.entry(turn), self.question(turn)
        reference = hints.reference_text(entry, question, self.state.lang)
        citations = list(entry.citations) if entry else []
        if reference is None:
            text = say("no_reference", self.state.lang)
        else:
            text = say("reference", self.state.lang, text=reference)
        # Seeing the reference before answering counts as not knowing it (spaced repetition).
        turn.revealed = turn.revealed or turn.grade is None
        if emit:
            self.emit(AgentMessage(text=text, by="rules", citations=citations))
        sources = f" Sources: {', '.join(f'[{c}]' for c in citations)}" if citations else ""
        return text if emit else text + sources

    def steer(self, intent: Intent) -> None:
        """Harder / easier / a topic: drop the unanswered question and ask a fitting one."""
        state, only = self.state, None
        if intent.kind in (IntentKind.HARDER, IntentKind.EASIER):
            state.level = selection.step(state.level, 1 if intent.kind == IntentKind.HARDER else -1)
            if state.config.difficulty is not None:
                # A level the candidate fixed stays fixed, at its new value.
                state.config.difficulty = state.level
            self.notice(
                intent.kind.value, say(intent.kind.value, state.lang, level=state.level.value)
            )
        elif intent.topic is not None:
            state.focus = intent.topic
            self.notice("topic", say("topic", state.lang, topic=TOPIC_LABELS[intent.topic]))
        else:
            only = self.search_questions(intent.phrase or "")
            if not only:
                self.notice(
                    "nothing_found", say("nothing_found", state.lang, phrase=intent.phrase or "")
                )
                return
        current = state.current
        candidate = self._pick(only)
        if candidate is None:
            return
        if current is not None and current.answer is None:
            current.replaced = True
        if state.current is None:
            self._open(self._turn_for(candidate.question, candidate.entry))

    def calculate(self, text: str) -> bool:
        """Answer a typed numeric question with the calculators; False if it is not one
        (then the text is the candidate's answer after all)."""
        from coach.calculators import ask
        from coach.calculators.result import format_text

        result = ask.answer(text)
        if result.status == "unsupported":
            return False
        if result.status == "need_input" and self.state.current is not None and not asks(text):
            return False  # "84 GB?" is a hedged answer, not a request
        for call, calculated in zip(result.calls, result.results, strict=False):
            self.emit(ToolCalled(name=call.tool, args=call.args))
            self.emit(ToolResult(name=call.tool, output=format_text(calculated)))
        lines = [result.message, *(f"· {assumption}" for assumption in result.filled)]
        self.emit(AgentMessage(text="\n".join(lines), by="rules"))
        return True

    def search_questions(self, phrase: str) -> list[str]:
        """Bank question ids about a free-text phrase, best first (hybrid, cross-lingual)."""
        from coach.search import hybrid

        try:
            hits = hybrid.search(phrase, k=10)
        except CoachError as exc:
            self.notice("search_unavailable", str(exc), "warning")
            return []
        return list(dict.fromkeys(h.question_id for h in hits if h.question_id))

    def finish(self) -> Summary:
        self.state.finished = True
        summary = self.summary()
        self.emit(summary)
        return summary

    def summary(self) -> Summary:
        return summarise(self.state)

    # -- the rule-driven interviewer ------------------------------------------------------
    def respond(self, text: str, spoken: Transcript | None = None) -> Iterator[Event]:
        """One candidate message, handled entirely by rules (the offline interviewer);
        `spoken`: the transcript it came from, when the candidate spoke it."""
        yield from self.handle_request(parse(text), text, spoken)

    def handle_request(
        self, intent: Intent, text: str, spoken: Transcript | None = None
    ) -> Iterator[Event]:
        if self.state.finished:
            self.notice("finished", say("finished", self.state.lang))
            yield from self.drain()
            return
        if intent.kind == IntentKind.STOP:
            self.finish()
        elif intent.kind == IntentKind.SKIP:
            self.skip()
            self.advance()
        elif intent.kind == IntentKind.HINT:
            self.hint()
        elif intent.kind == IntentKind.EXPLAIN:
            self.reveal()
        elif intent.kind in (IntentKind.HARDER, IntentKind.EASIER, IntentKind.TOPIC):
            self.steer(intent)
        elif intent.kind == IntentKind.CALC and self.calculate(text):
            pass
        elif not text.strip():
            self.notice("empty_answer", say("empty_answer", self.state.lang))
        elif self.record_answer(text, spoken) is not None:
            self.grade_current()
            self.advance()
        else:
            self.advance()
        yield from self.drain()
