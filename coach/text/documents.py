"""The text of a document a candidate hands in (a job description or a résumé): plain text,
Markdown or PDF. A file that holds no readable text says why, instead of tailoring to nothing."""

from __future__ import annotations

from pathlib import Path

from coach.errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ""}


def read_document(path: Path, field: str = "document") -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path, field)
    elif suffix in TEXT_SUFFIXES:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(field, str(path), "a readable UTF-8 text or Markdown file") from exc
    else:
        raise InputError(field, str(path), "a .pdf, .txt or .md file")
    if not text.strip():
        raise InputError(field, str(path), "it holds no text")
    return text


def _pdf_text(path: Path, field: str) -> str:
    # pypdf: a pure-Python reader, kept up, with no system libraries to install.
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise InputError(field, str(path), "an unencrypted PDF (this one needs a password)")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (OSError, PdfReadError, ValueError) as exc:
        raise InputError(field, str(path), f"a PDF that opens ({exc})") from exc
    if not text.strip():
        raise InputError(field, str(path), "a PDF with a text layer (this one may be scanned)")
    return text
