"""The LLM interviewer: a LangChain v1 ReAct agent over tools that wrap the interview's core.

The flow is owned by code (coach.interview.machine), not by the model's goodwill. Measured with
a real 1.5B local model, an agent left to itself loops next_question → grade_answer, grades an
answer it invented, and never writes a final reply. So each candidate message is one bounded
agent run with a task the state machine chose, a few tools fit for it, and hard caps on model
and tool calls. `grade_answer` grades the candidate's recorded answer whatever text the model
passes. After the run, code checks the postconditions and completes the turn by rules with a
visible Notice when the model looped, invented, refused, overflowed or failed; when the backend
is gone (retries exhausted) the whole session carries on offline.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import (
    AgentMiddleware,
    ModelCallLimitMiddleware,
    ToolCallLimitMiddleware,
    ToolErrorMiddleware,
)
from langchain.agents.middleware.model_call_limit import ModelCallLimitExceededError
from langchain.agents.middleware.tool_call_limit import ToolCallLimitExceededError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    ToolMessage,
)
from langgraph.errors import GraphRecursionError
from langgraph.types import StreamMode

from coach.agent.guards import (
    RepeatedCallError,
    TurnScope,
    amounts_supported,
    check_reply,
    citations,
    on_tool_error,
)
from coach.agent.text_protocol import TextToolCalls, TokenGate
from coach.agent.tools import CALCULATOR_NAMES, InterviewTools, calculators_for
from coach.errors import LLMUnavailable
from coach.grading.models import Grade
from coach.interview.events import (
    AgentMessage,
    Event,
    QuestionAsked,
    Summary,
    Token,
    ToolCalled,
    ToolResult,
)
from coach.interview.interviewer import Interviewer
from coach.interview.machine import Interview, new_state
from coach.interview.models import InterviewConfig, InterviewState
from coach.interview.steering import Intent, IntentKind, parse
from coach.llm.backends import make_chat_model, parse_spec
from coach.llm.check import check
from coach.llm.failures import describe_failure, is_bad_output, is_context_overflow
from coach.llm.prompts import render
from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore
from coach.settings import get_settings
from coach.speech.models import Transcript

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "zh": "Chinese", "fa": "Persian"}
MAX_WORDS = 150
OBSERVATION_CHARS = 1500
STREAM_MODES: list[StreamMode] = ["messages", "updates"]
# What can end a run early, as (notice code, what the candidate is told).
PROBLEMS = {
    "loop": ("model_loop", "The model was looping ({detail})"),
    "limit": (
        "turn_limit",
        "The model hit this turn's limit ({models} model calls, {tools} tool calls)",
    ),
    "bad_output": (
        "garbled_reply",
        "The server could not parse the model's reply (a malformed tool call)",
    ),
    "overflow": ("context_overflow", "The conversation no longer fits the model's context"),
}


@dataclass
class Outcome:
    """What one agent run did: its final text, the tools it called, and what went wrong."""

    text: str = ""
    streamed: bool = False
    calls: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    problem: str | None = None  # a PROBLEMS key, or "unavailable"
    failure: LLMUnavailable | None = None
    held: list[Event] = field(default_factory=list)


class AgentInterviewer:
    """The interview with an LLM; same `start` / `respond` events as the offline Interview."""

    def __init__(self, interview: Interview, model: BaseChatModel, spec: str) -> None:
        settings = get_settings()
        self.interview, self.model, self.spec = interview, model, spec
        self.offline = False
        self.tools = InterviewTools(interview)
        self.scope = TurnScope()
        backend = parse_spec(spec)
        self.text_calls = TextToolCalls(
            settings.llm_tool_mode,
            fill_content=backend is not None and backend.provider == "openai",
        )
        middleware: list[AgentMiddleware[Any, Any, Any]] = [
            ToolErrorMiddleware(on_error=on_tool_error),
            ModelCallLimitMiddleware(run_limit=settings.max_model_calls, exit_behavior="error"),
            ToolCallLimitMiddleware(run_limit=settings.max_tool_calls, exit_behavior="error"),
            self.scope,
            self.text_calls,
        ]
        self.graph = create_agent(model, self.tools.all(), middleware=middleware)
        self.recursion_limit = 2 * (settings.max_model_calls + settings.max_tool_calls) + 4
        interview.use_backend(model, spec)

    @property
    def state(self) -> InterviewState:
        return self.interview.state

    def start(self) -> Iterator[Event]:
        yield from self.interview.start()

    def respond(self, text: str, spoken: Transcript | None = None) -> Iterator[Event]:
        interview = self.interview
        intent = parse(text)
        current = interview.state.current
        if self.offline or interview.state.finished:
            yield from interview.handle_request(intent, text, spoken)
        elif intent.kind == IntentKind.ANSWER and current is not None and text.strip():
            yield from self._answer_turn(text, spoken)
        elif intent.kind == IntentKind.EXPLAIN and (current or interview.last_graded):
            yield from self._explain_turn()
        elif intent.kind == IntentKind.CALC:
            yield from self._calc_turn(text)
        else:
            yield from interview.handle_request(intent, text)

    # -- turns ------------------------------------------------------------------------------
    def _answer_turn(self, text: str, spoken: Transcript | None) -> Iterator[Event]:
        interview = self.interview
        turn = interview.record_answer(text, spoken)
        if turn is None:
            yield from interview.handle_request(Intent(kind=IntentKind.ANSWER), text, spoken)
            return
        interview.preview_current()
        yield from interview.drain()
        offered = {
            "grade_answer",
            "next_question",
            "search_corpus",
            "session_summary",
            *calculators_for(interview, turn),
        }
        task = render(
            "interviewer_answer",
            number=turn.index + 1,
            topic=turn.topic.value,
            follow_up=turn.follow_up_of is not None,
            question=turn.text,
            answer=turn.answer or "",
            numeric=turn.kind.value == "numeric",
            language=self._language(),
        )
        outcome = yield from self._run(task, offered)
        self._after_problem(outcome)
        seen_grade = turn.grade is not None
        if not seen_grade:
            if not self.offline:
                self._notice(
                    "not_graded",
                    "The model did not grade the answer; it was graded "
                    "by the grader directly and the model's reply was not used.",
                )
            interview.grade_current()
        # A reply written without the grade in view could only have invented one.
        reply = self._vet(outcome, turn.grade) if outcome.problem is None and seen_grade else None
        yield from self._drain_live(outcome)
        if reply:
            yield AgentMessage(text=reply, streamed=outcome.streamed, citations=citations(reply))
        yield from outcome.held
        if not interview.state.finished and interview.state.current is None:
            interview.advance()
        yield from interview.drain()

    def _explain_turn(self) -> Iterator[Event]:
        interview = self.interview
        turn = interview.state.current or interview.last_graded
        assert turn is not None
        task = render("interviewer_explain", question=turn.text, language=self._language())
        outcome = yield from self._run(task, {"reveal_reference", "search_corpus"})
        self._after_problem(outcome)
        reply = None
        if outcome.problem is None and "reveal_reference" in outcome.calls:
            reply = self._vet(outcome, None)
        elif outcome.problem is None:
            self._notice(
                "unsupported_reply",
                "The model explained without reading the reference; showing the reference instead.",
            )
        yield from self._drain_live(outcome)
        if reply:
            yield AgentMessage(text=reply, streamed=outcome.streamed, citations=citations(reply))
        else:
            interview.reveal()
        yield from interview.drain()
        yield from outcome.held

    def _calc_turn(self, text: str) -> Iterator[Event]:
        interview = self.interview
        task = render("interviewer_calc", request=text, language=self._language())
        outcome = yield from self._run(task, set(calculators_for(interview, None, text)))
        self._after_problem(outcome)
        yield from self._drain_live(outcome)
        used = [
            o
            for n, o in zip(outcome.calls, outcome.outputs, strict=False)
            if n in CALCULATOR_NAMES and not o.startswith("Error")
        ]
        reply = self._vet(outcome, None) if outcome.problem is None and used else None
        if reply and not amounts_supported(reply, used):
            self._notice(
                "unsupported_numbers",
                "The model's reply had numbers no calculator "
                "produced; showing the calculator's own result.",
            )
            reply = None
        if reply:
            yield AgentMessage(text=reply, streamed=outcome.streamed)
        elif not interview.calculate(text):
            yield from interview.handle_request(Intent(kind=IntentKind.ANSWER), text)
            return
        yield from interview.drain()

    # -- one bounded agent run --------------------------------------------------------------
    def _run(self, task: str, offered: set[str]) -> Generator[Event, None, Outcome]:
        self.scope.system = render("interviewer", language=self._language(), max_words=MAX_WORDS)
        self.scope.offered = frozenset(offered)
        outcome, gate = Outcome(), TokenGate()
        inputs: Any = {"messages": [HumanMessage(content=task)]}
        try:
            for mode, payload in self.graph.stream(
                inputs,
                {"recursion_limit": self.recursion_limit},
                stream_mode=STREAM_MODES,
            ):
                if mode == "messages":
                    chunk = payload[0]
                    if isinstance(chunk, AIMessageChunk) and isinstance(chunk.content, str):
                        piece = gate.feed(chunk.content)
                        if piece:
                            outcome.streamed = True
                            yield Token(text=piece)
                elif isinstance(payload, dict):
                    yield from self._updates(payload, outcome, gate)
                yield from self._drain_live(outcome)
        except RepeatedCallError as exc:
            outcome.problem, outcome.text = "loop", str(exc)
        except (
            ModelCallLimitExceededError,
            ToolCallLimitExceededError,
            GraphRecursionError,
        ) as exc:
            outcome.problem, outcome.text = "limit", str(exc)
        except Exception as exc:
            if is_context_overflow(exc):
                outcome.problem = "overflow"
            elif is_bad_output(exc):
                outcome.problem = "bad_output"
            else:
                failure = describe_failure(exc, self.spec)
                if failure is None:
                    raise
                outcome.problem, outcome.failure = "unavailable", failure
        yield from self._drain_live(outcome)
        return outcome

    def _updates(
        self, payload: dict[str, Any], outcome: Outcome, gate: TokenGate
    ) -> Iterator[Event]:
        for update in payload.values():
            messages = update.get("messages", []) if isinstance(update, dict) else []
            for message in messages:
                if isinstance(message, AIMessage):
                    gate.reset()
                    for call in message.tool_calls:
                        outcome.calls.append(call["name"])
                        yield ToolCalled(
                            name=call["name"], args=call["args"], call_id=call.get("id")
                        )
                    if not message.tool_calls:
                        outcome.text = str(message.content or "")
                elif isinstance(message, ToolMessage):
                    output = str(message.content)
                    outcome.outputs.append(output)
                    yield ToolResult(
                        name=message.name or "",
                        output=output[:OBSERVATION_CHARS],
                        ok=message.status != "error" and not output.startswith("Error"),
                        call_id=message.tool_call_id,
                    )

    def _drain_live(self, outcome: Outcome) -> Iterator[Event]:
        """Pass on what the tools caused; hold the next question until the reply is out."""
        for event in self.interview.drain():
            if isinstance(event, QuestionAsked | Summary):
                outcome.held.append(event)
            else:
                yield event

    # -- checks and fallbacks ---------------------------------------------------------------
    def _after_problem(self, outcome: Outcome) -> None:
        """Say what went wrong in the run; a backend that is gone ends the LLM's part."""
        if outcome.problem == "unavailable" and outcome.failure is not None:
            self._go_offline(outcome.failure)
        elif outcome.problem is not None:
            settings = get_settings()
            code, why = PROBLEMS[outcome.problem]
            why = why.format(
                detail=outcome.text, models=settings.max_model_calls, tools=settings.max_tool_calls
            )
            self._notice(code, f"{why}; the turn was completed by the rules.")
        if outcome.problem == "bad_output" and self.text_calls.mode != "react":
            # The server's chat template cannot parse this model's tool calls, and it will not
            # start to: without tools in the request there is nothing for it to parse, and the
            # model writes its calls in the text protocol, which we parse.
            self.text_calls.mode = "react"
            self._notice(
                "text_protocol",
                "The server cannot parse this model's tool calls; from now on tools are "
                "called through the text protocol.",
            )

    def _go_offline(self, failure: LLMUnavailable) -> None:
        self.offline = True
        self.interview.use_backend(None, "offline")
        self._notice(
            "offline_fallback",
            f"{failure}; continuing offline (rules-based interviewer and grader). Nothing is lost.",
        )

    def _notice(self, code: str, text: str) -> None:
        self.interview.notice(code, text, "warning")

    def _vet(self, outcome: Outcome, grade: Grade | None) -> str | None:
        """The model's reply if it is fit to show; otherwise None, with a notice saying why."""
        text, problem = check_reply(outcome.text, grade.score if grade else None)
        if problem is not None:
            self._notice(*problem)
        return text

    def _language(self) -> str:
        return LANGUAGE_NAMES.get(self.interview.state.lang, "English")


def open_interviewer(
    config: InterviewConfig | None = None,
    *,
    resume: str | None = None,
    llm: str | None = None,
    store: SessionStore | None = None,
) -> RecordedInterviewer:
    """A new interview (from `config`) or a resumed one, recorded in `store`, with the LLM
    agent when its backend answers, else the offline interviewer with a notice saying why.
    `llm` overrides the backend a resumed session was using."""
    store = store or SessionStore()
    if resume is not None:
        state = store.load(resume)
    else:
        state = new_state(config or InterviewConfig(llm=get_settings().llm))
    spec = llm if llm is not None else state.config.llm
    state.config.llm = spec
    return RecordedInterviewer(_interviewer(state, spec), store)


def _interviewer(state: InterviewState, spec: str) -> Interviewer:
    interview = Interview(state)
    interview.use_backend(None, "offline")
    backend, found = parse_spec(spec), check(spec)
    if backend is None or found is None:
        return interview
    if not found.usable:
        interview.notice(
            "offline_fallback",
            f"LLM backend {spec} unavailable: {found.error}; "
            "continuing offline (rules-based interviewer and grader).",
            "warning",
        )
        return interview
    if found.unlisted_warning:
        interview.notice("model_unlisted", f"LLM backend {spec}: {found.unlisted_warning}.", "info")
    model = make_chat_model(spec)
    assert model is not None
    return AgentInterviewer(interview, model, spec)
