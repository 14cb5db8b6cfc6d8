"""`coach index`: build the search index and show its manifest."""

from __future__ import annotations

import typer

from coach.cli.output import emit_json

app = typer.Typer(no_args_is_help=True, help="The search index (FAISS + BM25).")

EMBEDDER_HELP = 'Embedder: "e5-small", "minilm", "st:<path>", "ollama:<model>", "openai:<model>".'


@app.command()
def build(
    embedder: str = typer.Option(None, "--embedder", help=EMBEDDER_HELP),
    fresh: bool = typer.Option(False, "--fresh", help="Re-embed every chunk (no reuse)."),
    json_output: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """Chunk the corpus and answer key, embed the chunks and write the index atomically."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from coach.search import embedders, hybrid, store

    model = embedders.get_embedder(embedder)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=json_output,
    ) as bar:
        task = bar.add_task(f"embedding with {model.id}", total=None)
        manifest = store.build(
            model,
            reuse=not fresh,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    hybrid.reset()
    if json_output:
        emit_json(manifest.model_dump(mode="json"))
        return
    typer.echo(
        f"indexed {manifest.chunks} chunks ({manifest.dim}-d, {manifest.embedder}) "
        f"in {manifest.build_seconds:.1f} s at {store.index_path(model)}"
    )


@app.command()
def info(
    embedder: str = typer.Option(None, "--embedder", help=EMBEDDER_HELP),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The manifest of the built index, with its path and whether it is usable."""
    from coach.search import embedders, store

    data = store.info(embedders.get_embedder(embedder))
    if json_output:
        emit_json(data)
        return
    typer.echo(
        f"{data['path']}: {data['chunks']} chunks, {data['dim']}-d, {data['embedder']}, "
        f"built {data['built_at']} in {data['build_seconds']} s"
    )
    typer.echo(f"  kinds: {', '.join(f'{k} {n}' for k, n in data['kinds'].items())}")
    typer.echo(f"  status: {data['problem'] or 'up to date'}")
