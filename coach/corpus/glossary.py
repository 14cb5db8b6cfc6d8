"""The term glossary: one ML concept per line, with the forms people type in en / ru / zh / fa.

Offline, nothing translates a query. The glossary (`corpus/glossary.jsonl`, written from the
corpus's own vocabulary) lets a query reach text in other languages through the concepts it
names: "梯度裁剪" also searches for "gradient clipping". Forms match
on the stems of `coach.text`, so Russian and Persian inflections meet their base forms.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ValidationError

from coach.corpus.models import LANGS
from coach.errors import CorpusError
from coach.text import content_terms, detect_lang

GLOSSARY_FILE = "glossary.jsonl"


class Term(BaseModel):
    """One concept: its surface forms per language."""

    en: list[str]
    ru: list[str]
    zh: list[str]
    fa: list[str]
    # A whole field ("machine learning", "LLM") rather than a skill one can be asked about:
    # a job description names it in passing, so a tailored plan takes it last.
    umbrella: bool = False

    def forms(self) -> list[str]:
        return [form for lang in LANGS for form in getattr(self, lang)]


class Glossary:
    """Finds the concepts a text names (by stem sequence) and gives their forms."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        # First stem -> (stem sequence, term index), longest sequences first.
        self._by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for index, term in enumerate(terms):
            for form in term.forms():
                stems = tuple(content_terms(form))
                if stems:
                    self._by_first.setdefault(stems[0], []).append((stems, index))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))

    def concepts(self, text: str, *, outermost: bool = False) -> list[int]:
        """Indexes of the terms whose forms occur in `text`, in order of appearance;
        `outermost` leaves out those found only inside a longer one's words ("generator" in
        the "generation" of "retrieval-augmented generation")."""
        spans = self._spans(content_terms(text))
        if outermost:
            spans = [
                (start, end, index)
                for start, end, index in spans
                if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
            ]
        return list(dict.fromkeys(index for _, _, index in spans))

    def _spans(self, stems: list[str]) -> list[tuple[int, int, int]]:
        """(start, end, term index) of the longest form starting at each stem."""
        found: list[tuple[int, int, int]] = []
        for start, first in enumerate(stems):
            for sequence, index in self._by_first.get(first, []):
                if tuple(stems[start : start + len(sequence)]) == sequence:
                    found.append((start, start + len(sequence), index))
                    break
        return found

    def pivot(self, text: str) -> list[list[str]]:
        """The English forms of each concept a non-English `text` names; empty for English
        text or when it names none. (Adding every language's forms was measured too: it
        dilutes English queries' BM25 and helps no language more than English alone.)"""
        if (detect_lang(text) or "en") == "en":
            return []
        return [self.terms[i].en for i in self.concepts(text)]


@lru_cache(maxsize=4)
def load(corpus_dir: Path) -> Glossary:
    """The corpus's glossary; an empty one when the corpus has none."""
    path = corpus_dir / GLOSSARY_FILE
    if not path.exists():
        return Glossary([])
    terms: list[Term] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            terms.append(Term.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            raise CorpusError(path, number, f"not a glossary entry: {exc}") from exc
    return Glossary(terms)
