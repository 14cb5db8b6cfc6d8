"""`coach interview`: a mock interview in the terminal (or from a script of inputs)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coach.corpus.key import Difficulty
from coach.corpus.models import Topic
from coach.errors import InputError
from coach.interview.events import (
    AgentMessage,
    Event,
    GradePreview,
    GradeReady,
    Hint,
    Notice,
    QuestionAsked,
    Summary,
    Token,
    ToolCalled,
    ToolResult,
)
from coach.interview.language import check as check_lang
from coach.interview.models import InterviewConfig, PlannedQuestion
from coach.interview.tailoring import tailor
from coach.llm.backends import SPEC_HELP
from coach.settings import get_settings
from coach.text.documents import read_document

if TYPE_CHECKING:
    from coach.interview.interviewer import Interviewer
    from coach.interview.models import InterviewState
    from coach.speech.models import Transcript as Heard

# One candidate input: the text, and the transcript when it was spoken.
Said = tuple[str, "Heard | None"]

app = typer.Typer(invoke_without_command=True, help="A mock interview in the terminal.")

STOP = "stop"


@app.callback()
def interview(
    topic: str | None = typer.Option(None, "--topic", help="Topic (see `coach corpus stats`)."),
    difficulty: str | None = typer.Option(
        None, "--difficulty", help="junior | middle | senior; default adapts to your answers."
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="en | ru | zh | fa; default: detected from your first answer."
    ),
    llm: str | None = typer.Option(None, "--llm", help=f"{SPEC_HELP} (default: COACH_LLM)."),
    questions: int | None = typer.Option(
        None,
        "--questions",
        min=1,
        max=100,
        help="Main questions (default: COACH_INTERVIEW_QUESTIONS).",
    ),
    script: Path | None = typer.Option(
        None,
        "--script",
        exists=True,
        dir_okay=False,
        help="Read inputs from this file, one per line.",
    ),
    resume: str | None = typer.Option(None, "--resume", help="Resume a session by id (prefix)."),
    jd: Path | None = typer.Option(
        None,
        "--jd",
        exists=True,
        dir_okay=False,
        help="A job description (text, Markdown or PDF): ask about the skills it names first.",
    ),
    cv: Path | None = typer.Option(
        None,
        "--cv",
        exists=True,
        dir_okay=False,
        help="A résumé (text, Markdown or PDF): ask about the skills it names (with --jd: both).",
    ),
    time_limit: int | None = typer.Option(
        None,
        "--time-limit",
        min=10,
        max=3600,
        help="Seconds per question; a later answer is graded and marked late.",
    ),
    audio_dir: Path | None = typer.Option(
        None,
        "--audio-dir",
        exists=True,
        file_okay=False,
        help="Spoken answers: answer_1.wav, answer_2.mp3, ... in order, each transcribed.",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print events as JSON lines."),
) -> None:
    """Run a mock interview: answer each question, or type hint / skip / explain / harder /
    easier / "ask me about RLHF" / a numeric question / stop. Every turn is saved."""
    from coach.agent.interviewer import open_interviewer

    settings = get_settings()
    config = None
    if resume is None:
        config = InterviewConfig(
            topic=_choice("topic", topic, Topic),
            difficulty=_choice("difficulty", difficulty, Difficulty),
            lang=check_lang(lang),
            llm=llm if llm is not None else settings.llm,
            questions=questions or settings.interview_questions,
            follow_ups=settings.follow_ups,
            time_limit=time_limit,
        )
        documents = [path for path in (jd, cv) if path is not None]
        if documents:
            config.plan = _tailored(documents, config, quiet=json_output)
    interviewer = open_interviewer(config, resume=resume, llm=llm)
    inputs = (
        audio_inputs(audio_dir, interviewer.state)
        if audio_dir is not None
        else script_inputs(script)
    )
    echo = script is not None or audio_dir is not None
    run(interviewer, inputs, json_output=json_output, echo=echo)


def _tailored(paths: list[Path], config: InterviewConfig, *, quiet: bool) -> list[PlannedQuestion]:
    """The plan for a job description and/or résumé (with an LLM, its skills read first);
    says which of their skills the bank cannot ask about."""
    from coach.interview.skills import read_skills
    from coach.llm.backends import make_chat_model

    text = "\n\n".join(read_document(path, "document") for path in paths)
    skills, notice = read_skills(make_chat_model(config.llm), text)
    if not quiet and (notice or skills):
        typer.secho(notice or f"The LLM read: {', '.join(skills)}", dim=True)
    found = tailor(text, config.questions, skills)
    if not quiet:
        asked = [s for s in found.skills if s not in found.uncovered]
        typer.echo(f"The job description asks for: {', '.join(asked)}")
        if found.uncovered:
            typer.echo(f"No bank questions on: {', '.join(found.uncovered)}")
    return found.plan


def _choice(field: str, value: str | None, enum: type[Topic] | type[Difficulty]) -> object:
    if value is None:
        return None
    try:
        return enum(value.strip().lower())
    except ValueError:
        raise InputError(field, value, [e.value for e in enum]) from None


def script_inputs(script: Path | None) -> Iterator[Said]:
    """Candidate inputs: the script's non-empty, non-comment lines, or stdin until EOF."""
    if script is not None:
        for line in script.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                yield line.strip(), None
        return
    while True:
        try:
            yield input("> "), None
        except EOFError:
            return


def audio_inputs(folder: Path, state: InterviewState) -> Iterator[Said]:
    """Each recording answer_<n>.* in the order of n, transcribed in the interview's language
    with the open question as Whisper's prompt. A recording that cannot be transcribed skips
    its question, so the later recordings still answer the questions they were made for."""
    from coach.cli.transcribe import speech_for
    from coach.errors import CoachError

    recordings = sorted(
        (int(match.group(1)), path)
        for path in folder.iterdir()
        if (match := re.fullmatch(r"answer_(\d+)\.\w+", path.name))
    )
    if not recordings:
        raise InputError("audio dir", str(folder), "answer_1.wav, answer_2.wav, ... inside")
    transcriber = speech_for(None)
    for _, path in recordings:
        current = state.current
        lang = state.known_lang
        try:
            heard = transcriber.transcribe(path, lang, current.text if current else None)
        except CoachError as exc:
            typer.secho(f"[speech] {exc}; skipping this question", fg=typer.colors.YELLOW)
            yield "skip", None
            continue
        yield heard.text, heard


def run(interviewer: Interviewer, inputs: Iterable[Said], *, json_output: bool, echo: bool) -> None:
    """Drive an interviewer (Interview or AgentInterviewer) until it ends or inputs run out;
    each input is the text and, for a spoken answer, its transcript."""
    show = _emit_json if json_output else Transcript().show
    try:
        for event in interviewer.start():
            show(event)
        for text, spoken in inputs:
            if echo and not json_output:
                typer.echo(f"> {text}")
            for event in interviewer.respond(text, spoken):
                show(event)
            if interviewer.state.finished:
                return
        for event in interviewer.respond(STOP):
            show(event)
    except KeyboardInterrupt:
        session = interviewer.state.id
        typer.echo(f"\nsaved; resume with: coach interview --resume {session}", err=True)
        raise typer.Exit(130) from None


def _emit_json(event: Event) -> None:
    if not isinstance(event, Token):
        typer.echo(json.dumps(event.model_dump(mode="json"), ensure_ascii=False))


class Transcript:
    """Events as terminal text; a streamed reply is shown as it comes."""

    def __init__(self) -> None:
        self.streaming = False

    def show(self, event: Event) -> None:
        if isinstance(event, Token):
            if not self.streaming:
                sys.stdout.write("Interviewer: ")
                self.streaming = True
            sys.stdout.write(event.text)
            sys.stdout.flush()
            return
        if self.streaming:  # whatever comes next starts on its own line
            typer.echo("")
            self.streaming = False
        if isinstance(event, AgentMessage):
            if not event.streamed:
                typer.echo(f"Interviewer: {event.text}")
            if event.citations:
                typer.echo("  Sources: " + ", ".join(f"[{c}]" for c in event.citations))
        else:
            _show(event)


def _show(event: Event) -> None:
    if isinstance(event, QuestionAsked):
        _question(event)
    elif isinstance(event, GradePreview):
        grade = event.grade
        typer.secho(
            f"Score {grade.score:g}/10 (offline, at once; the LLM is judging the key points…)",
            dim=True,
        )
    elif isinstance(event, GradeReady):
        _grade(event)
    elif isinstance(event, Hint):
        typer.echo(f"Hint {event.level}: {event.text}")
    elif isinstance(event, Notice):
        colour = typer.colors.YELLOW if event.level == "warning" else typer.colors.CYAN
        typer.secho(f"[{event.code}] {event.text}", fg=colour)
    elif isinstance(event, ToolCalled):
        args = ", ".join(f"{k}={v!r}" for k, v in event.args.items())
        typer.secho(f"  · {event.name}({args})", dim=True)
    elif isinstance(event, ToolResult):
        first = event.output.strip().splitlines()[0] if event.output.strip() else ""
        typer.secho(f"  → {first[:160]}", dim=True)
    elif isinstance(event, Summary):
        _summary(event)


def _question(event: QuestionAsked) -> None:
    label = "Follow-up" if event.follow_up else f"Question {event.number}/{event.total}"
    meta = " · ".join(x for x in (event.topic, event.difficulty, event.question_id) if x)
    typer.secho(f"\n{label}  ({meta})", bold=True)
    if event.skill:
        typer.secho(f"  (the job description asks for {event.skill})", dim=True)
    if event.time_limit:
        typer.secho(f"  (answer within {event.time_limit} s)", dim=True)
    typer.echo(f"  {event.text}")
    for i, option in enumerate(event.options):
        typer.echo(f"    {chr(ord('A') + i)}) {option}")


def _grade(event: GradeReady) -> None:
    grade = event.grade
    verdict = str(grade.verdict).replace("_", " ")
    typer.secho(f"Score {grade.score:g}/10 · {verdict} · {grade.label} grader", bold=True)
    if event.spoken is not None:
        typer.secho(
            f"  (spoken: {event.spoken.seconds:g} s of audio, {event.spoken.model})", dim=True
        )
    # The feedback already lists the key points covered and missed.
    for line in grade.feedback.strip().splitlines():
        typer.echo(f"  {line}")
    if grade.fallback_notice:
        typer.secho(f"  [{grade.fallback_notice}]", fg=typer.colors.YELLOW)
    for evidence in grade.evidence:
        typer.echo(f"  Source [{evidence.question_id or evidence.chunk_id}]: {evidence.citation}")


def _summary(event: Summary) -> None:
    typer.secho("\n== Summary ==", bold=True)
    typer.echo(event.text)
    for topic in event.topics:
        typer.echo(f"  {topic.topic}: {topic.mean_score:g}/10 over {topic.answered}")
    if event.to_review:
        typer.echo("  To review: " + ", ".join(event.to_review))
    typer.echo(f"  Session: {event.session_id}")
