"""`coach corpus`: build, inspect and check the question bank and answer key."""

from __future__ import annotations

import typer

from coach.cli.output import emit_json
from coach.corpus import bank, key
from coach.corpus.check import check as check_key
from coach.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Question bank and answer key.")


@app.command()
def build() -> None:
    """Parse the source documents into corpus/bank.jsonl and corpus/passages.jsonl."""
    settings = get_settings()
    built = bank.build(settings.sources_dir)
    bank.write(built, settings.corpus_dir, bank.sources_hash(settings.sources_dir))
    typer.echo(
        f"wrote {len(built.questions)} questions and {len(built.passages)} passages "
        f"to {settings.corpus_dir}"
    )


@app.command()
def stats(json_output: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Counts per source, language, kind and topic."""
    corpus_dir = get_settings().corpus_dir
    data = bank.stats(bank.load(corpus_dir), key.load(corpus_dir))
    if json_output:
        emit_json(data)
        return
    typer.echo(f"{data['total']} questions, {data['passages']} passages")
    for name, entry in data["sources"].items():
        typer.echo(
            f"  {name}: {entry['questions']} questions, "
            f"{entry['with_reference']} with a document answer, "
            f"{entry['with_key']} with a key entry"
        )


@app.command()
def check(
    json_output: bool = typer.Option(False, "--json", help="Print problems as JSON."),
) -> None:
    """Validate the answer key against the bank; exits 1 when anything is wrong."""
    from coach.calculators.registry import run as run_calculator

    corpus_dir = get_settings().corpus_dir
    entries = key.load(corpus_dir)
    problems = check_key(
        bank.load(corpus_dir),
        entries,
        lambda tool, args: run_calculator(tool, args).model_dump(),
    )
    if json_output:
        emit_json({"entries": len(entries), "problems": [p.model_dump() for p in problems]})
    else:
        for problem in problems:
            typer.echo(f"{problem.question_id}: {problem.message}")
        typer.echo(f"{len(entries)} key entries, {len(problems)} problems")
    if problems:
        raise typer.Exit(1)
