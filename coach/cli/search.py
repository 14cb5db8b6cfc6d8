"""`coach search`: hybrid search over the question bank, lecture and answer key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from coach.cli.output import emit_json

# Long passages are cut in the table; --json always carries the full text.
TABLE_CHARS = 400

if TYPE_CHECKING:
    from coach.search.hybrid import Hit


def search(
    query: str = typer.Argument(..., help="What to look for, in any language."),
    k: int = typer.Option(5, "--k", help="How many hits."),
    topic: str = typer.Option(None, "--topic", help="Only this topic (e.g. tokenization)."),
    lang: str = typer.Option(None, "--lang", help="Only this language: en, ru, zh or fa."),
    source: str = typer.Option(None, "--source", help="Only this source document."),
    kind: str = typer.Option(None, "--kind", help="Only this chunk kind (question, passage…)."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Find questions and passages by meaning and by terms; an English query finds Russian
    and Persian questions."""
    from coach.search import hybrid

    hits = hybrid.search(query, k, topic=topic, lang=lang, source=source, kind=kind)
    if json_output:
        emit_json(
            [
                hit.model_dump(
                    mode="json",
                    include={
                        "rank",
                        "score",
                        "source",
                        "question_id",
                        "text",
                        "text_en",
                        "section",
                    },
                )
                for hit in hits
            ]
        )
        return
    _table(query, hits)


def _table(query: str, hits: list[Hit]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(f"“{query}”"), show_lines=True, expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("text", ratio=3)
    table.add_column("citation", ratio=1)
    for hit in hits:
        body = escape(_clip(hit.text))
        if hit.text_en and hit.text_en != hit.text:
            body += f"\n[dim]{escape(_clip(hit.text_en))}[/dim]"
        cite = (
            f"{escape(hit.question_id or hit.chunk_id)}\n{escape(hit.source)}\n"
            f"§ {escape(hit.section)}\n[dim]{hit.kind}, {hit.score:.4f}[/dim]"
        )
        table.add_row(str(hit.rank), body, cite)
    Console().print(table if hits else "no hits")


def _clip(text: str, limit: int = TABLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
