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
    ctx: typer.Context,
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
    if ctx.invoked_subcommand is not None:
        return
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


@app.command("export")
def export(
    anki: Path = typer.Option(..., "--anki", dir_okay=False, help="The .apkg file to write."),
    topic: str | None = typer.Option(None, "--topic", help="Only this topic."),
    all_questions: bool = typer.Option(False, "--all", help="Every bank question."),
    due: bool = typer.Option(False, "--due", help="Only what is due for review now."),
    weak: bool = typer.Option(False, "--weak", help="Only questions last scored below 5."),
) -> None:
    """Export questions to Anki (default: every question you have answered), with the FSRS
    schedule as CSV beside the package. Re-exporting updates the same notes."""
    from coach.study.anki import export as write_apkg

    chosen = [name for name, on in (("all", all_questions), ("due", due), ("weak", weak)) if on]
    if len(chosen) > 1:
        raise typer.BadParameter("choose at most one of --all, --due, --weak")
    summary = write_apkg(anki, selection=chosen[0] if chosen else "answered", topic=topic)  # type: ignore[arg-type]
    typer.echo(
        f"wrote {summary.notes} notes in {len(summary.decks)} decks to {summary.apkg}; "
        f"FSRS schedule: {summary.schedule_csv}"
    )
