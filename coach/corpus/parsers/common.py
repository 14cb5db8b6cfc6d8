"""Reading helpers shared by the parsers."""

from __future__ import annotations

import re
from pathlib import Path

from coach.errors import CorpusError

MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def read_lines(path: Path) -> list[str]:
    """The file's lines; an unreadable or non-UTF-8 file is a CorpusError naming it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(path, None, f"cannot read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(path, line, "not valid UTF-8") from exc
    return text.splitlines()


def strip_bold(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text).strip()


def clean_answer(lines: list[str]) -> tuple[str, list[str]]:
    """Dedent an answer block, drop image embeds and bare link lines, keep code and formulas.

    Returns the text and the links taken out of it (bare link lines become `links`).
    """
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    kept: list[str] = []
    links: list[str] = []
    in_code = False
    for line in lines:
        line = line[indent:] if len(line) >= indent else line.strip()
        if line.strip().startswith("```"):
            in_code = not in_code
            kept.append(line.rstrip())
            continue
        if in_code:
            kept.append(line.rstrip())
            continue
        without_images = IMAGE.sub("", line).rstrip()
        if not without_images.strip() and line.strip():
            continue
        found = MD_LINK.findall(without_images)
        residue = MD_LINK.sub("", without_images).strip(" -*:.,;")
        if found and not residue:
            links.extend(url for _, url in found)
            continue
        kept.append(without_images)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return text, links


def require(condition: bool, path: Path, line: int, message: str) -> None:
    if not condition:
        raise CorpusError(path, line, message)
