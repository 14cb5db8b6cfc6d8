"""Job descriptions and résumés as text, Markdown or PDF; files without text say why."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.errors import InputError
from coach.text.documents import read_document
from tests.fakes.documents import text_pdf

LINES = ["ML engineer, search team", "Skills: retrieval-augmented generation, HNSW"]


def test_a_pdf_gives_its_text(tmp_path: Path) -> None:
    text = read_document(text_pdf(tmp_path / "jd.pdf", LINES))
    assert "retrieval-augmented generation" in text and "search team" in text


def test_markdown_is_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cv.md"
    path.write_text("# Опыт\n- квантизация моделей", encoding="utf-8")
    assert "квантизация" in read_document(path)


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("scan.pdf", None, "may be scanned"),
        ("broken.pdf", b"%PDF-1.4 not really", "a PDF that opens"),
        ("jd.docx", b"PK\x03\x04", "a .pdf, .txt or .md file"),
        ("latin1.txt", "Caf\xe9".encode("latin-1"), "UTF-8"),
        ("empty.md", b"  \n", "holds no text"),
    ],
)
def test_a_file_without_readable_text_says_why(
    tmp_path: Path, name: str, content: bytes | None, why: str
) -> None:
    path = tmp_path / name
    if content is None:
        text_pdf(path, [])  # a page with no text: what a scanned PDF gives
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=why):
        read_document(path, "jd")
