"""`coach review`: an interview over what spaced repetition says is due."""

from __future__ import annotations

from pathlib import Path

import typer

from coach.cli.interview import run, script_inputs
from coach.corpus.models import Topic
from coach.interview.language import check as check_lang
from coach.interview.models import InterviewConfig
from coach.llm.backends import SPEC_HELP
from coach.sessions.store import TOPIC_PREFIX, SessionStore
from coach.settings import get_settings

app = typer.Typer(invoke_without_command=True, help="Review what is due (spaced repetition).")


@app.callback()
def review(
    questions: int = typer.Option(5, "--questions", min=1, max=100, help="At most this many."),
    lang: str | None = typer.Option(None, "--lang", help="en | ru | zh | fa."),
    llm: str | None = typer.Option(None, "--llm", help=f"{SPEC_HELP}."),
    script: Path | None = typer.Option(
        None,
        "--script",
        exists=True,
        dir_okay=False,
        help="Read inputs from this file, one per line.",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print events as JSON lines."),
) -> None:
    """Ask the questions due for review (those you missed come back soonest); when none is
    due but a weak topic is, ask new questions on that topic."""
    from coach.agent.interviewer import open_interviewer

    store, settings = SessionStore(), get_settings()
    due = store.due(limit=questions)
    topics = store.due(topics=True, limit=1)
    if not due and not topics:
        typer.echo("nothing is due for review; come back later or run `coach interview`")
        return
    config = InterviewConfig(
        review=[d.item for d in due],
        questions=max(len(due), 1) if due else questions,
        topic=Topic(topics[0].item.removeprefix(TOPIC_PREFIX)) if topics and not due else None,
        lang=check_lang(lang),
        llm=llm if llm is not None else settings.llm,
        follow_ups=settings.follow_ups,
    )
    interviewer = open_interviewer(config, store=store, llm=llm)
    run(interviewer, script_inputs(script), json_output=json_output, echo=script is not None)
