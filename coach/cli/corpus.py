"""`coach corpus`: build, inspect and check the question bank and answer key."""

from __future__ import annotations

import typer

from coach.cli.output import emit_json
from coach.corpus import bank
from coach.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Question bank and answer key.")


@app.command()
def build() -> None:
    """Parse the source documents into corpus/bank.jsonl and corpus/passages.jsonl."""
    settings = get_settings()
    built = bank.build(settings.sources_dir)
    bank.write(built, settings.corpus_dir, bank.sources_hash(settings.sources_dir))
    typer.echo(f"wrote {len(built.questions)} questions and {len(built.passages)} passages "
               f"to {settings.corpus_dir}")


@app.command()
def stats(json_output: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Counts per source, language, kind and topic."""
    data = bank.stats(bank.load(get_settings().corpus_dir))
    if json_output:
        emit_json(data)
        return
    typer.echo(f"{data['total']} questions, {data['passages']} passages")
    for name, entry in data["sources"].items():
        typer.echo(f"  {name}: {entry['questions']} questions, "
                   f"{entry['with_reference']} with a document answer")
