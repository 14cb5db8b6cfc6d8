"""English and Russian phrasings of calculator inputs, as regular expressions and extractors.

`ask.py` decides what a question asks; this module only finds quantities in its text.
"""

from __future__ import annotations

import re

_NUM = r"(\d+(?:[.,]\d+)?)"
_SCALE = {
    "m": 1e6, "mn": 1e6, "million": 1e6, "млн": 1e6, "миллион": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "млрд": 1e9, "миллиард": 1e9,
    "t": 1e12, "trillion": 1e12, "трлн": 1e12, "триллион": 1e12,
}  # fmt: skip
# No `k`: "8k" is a context length, never a model size.
_UNIT = r"(mn|m|bn|b|t|billion|million|trillion|млн|млрд|трлн|миллиард\w*|миллион\w*|триллион\w*)"
_COUNT = re.compile(_NUM + r"\s*" + _UNIT + r"(?![a-zа-яё])", re.IGNORECASE)
_TOKENS_AFTER = re.compile(
    r"\s*(?:-\s*)?(?:(?:training|train|обучающ\w*)\s+)?(?:tokens?|токен)", re.IGNORECASE
)
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)\s*[eе]\s*\+?(\d{1,2})(?![\w.])")


def decimal(text: str) -> float:
    """A number written with a decimal point or comma: "3.5", "3,5"."""
    return float(text.replace(",", "."))


def _scaled(number: str, unit: str) -> float:
    unit = unit.lower()
    key = next((k for k in ("миллиард", "миллион", "триллион") if unit.startswith(k)), unit)
    return decimal(number) * _SCALE[key]


def counts(text: str) -> tuple[float | None, float | None]:
    """(model size, token count): `7B model` vs `300B tokens`, in English or Russian."""
    size = tokens = None
    found = [(m, _scaled(m.group(1), m.group(2))) for m in _COUNT.finditer(text)]
    found += [(m, decimal(m.group(1)) * 10 ** int(m.group(2))) for m in _SCIENTIFIC.finditer(text)]
    for m, value in sorted(found, key=lambda pair: pair[0].start()):
        if _TOKENS_AFTER.match(text, m.end()):
            tokens = tokens or value
        else:
            size = size or value
    return size, tokens


# (canonical name, pattern); earlier entries win, so specific spellings come first.
PRECISIONS = (
    ("nf4", r"\bnf4\b"),
    ("int4", r"\bint4\b|\b4[\s-]?(?:bit|бит)|\b4-х\s*бит"),
    ("fp8", r"\bfp8\b|\bfloat8\b"),
    ("int8", r"\bint8\b|\b8[\s-]?(?:bit|бит)|\b8-ми\s*бит"),
    ("bf16", r"\bbf16\b|\bbfloat16\b"),
    ("fp16", r"\bfp16\b|\bfloat16\b|half[\s-]precision|\b16[\s-]?(?:bit|бит)|половинн\w* точн"),
    ("fp32", r"\bfp32\b|\bfloat32\b|full[\s-]precision|\b32[\s-]?(?:bit|бит)|полн\w* точн"),
)
OPTIMIZERS = (
    ("adam8bit", r"8[\s-]?(?:bit|бит)\w*\s+adamw?|adamw?[\s_-]?8[\s-]?(?:bit|бит)|adam8bit"),
    ("adamw", r"\badamw\b"),
    ("adam", r"\badam\b"),
    ("adagrad", r"\badagrad\b"),
    ("adafactor", r"\badafactor\b"),
    ("rmsprop", r"\brms[\s-]?prop\b"),
    ("lion", r"\blion\b"),
    ("nesterov", r"\bnesterov|нестеров"),
    # "plain SGD (no momentum)" names momentum to exclude it.
    ("momentum", r"(?<!no )(?<!without )(?<!без )(?:momentum|моментум)|с моментом|\bsgdm\b"),
    ("sgd", r"\bsgd\b"),
)


def first(table: tuple[tuple[str, str], ...], text: str) -> tuple[str | None, str]:
    """The first table entry found, and the text with that mention removed."""
    for name, pattern in table:
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            return name, text[: m.start()] + " " + text[m.end() :]
    return None, text


def has(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def integer(patterns: tuple[str, ...], text: str) -> int | None:
    """The first integer captured by any pattern (group 1)."""
    for pattern in patterns:
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            return int(m.group(1))
    return None


def context_length(text: str) -> tuple[int | None, bool]:
    """Tokens of context: `4096 tokens`, `context 8k`, `контекст 4096`. `k` means 1024 here
    (context sizes are powers of two); the flag says whether that reading was used."""
    patterns = (
        r"(\d+)\s*(k|к)?\s*(?:-\s*)?(?:tokens?|токен)",
        r"(?:context|sequence|seq(?:uence)?[\s_-]?len\w*|контекст\w*|последовательност\w*)"
        r"(?:\s*(?:length|длин\w*|window|окн\w*))?\s*(?:of|=|:|в|из)?\s*(\d+)\s*(k|к)?\b",
        r"(\d+)\s*(k|к)\s*(?:context|контекст)",
    )
    for pattern in patterns:
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            kilo = bool(m.group(2))
            return int(m.group(1)) * (1024 if kilo else 1), kilo
    return None, False


def numbers(text: str) -> list[float]:
    return [decimal(x) for x in re.findall(r"-?\d+(?:[.,]\d+)?(?:e-?\d+)?", text)]


def vectors(text: str) -> list[list[float]]:
    """Bracketed vectors: `[1, 2, 3]` or `(1, 2, 3)`."""
    found = re.findall(r"[\[(]\s*(-?\d[\d.,\s;-]*)[\])]", text)
    out = []
    for body in found:
        parts = [p for p in re.split(r"[;,\s]+", body.strip()) if p]
        try:
            out.append([float(p) for p in parts])
        except ValueError:
            continue
    return [v for v in out if len(v) > 1]


def quoted(text: str) -> list[str]:
    """Texts in "...", «...» or “...”, in order."""
    return [a or b or c for a, b, c in re.findall(r'"([^"]+)"|«([^»]+)»|“([^”]+)”', text)]


def confusion(text: str) -> dict[str, int]:
    """tp/fp/fn/tn counts: `TP=40`, `FP: 10`, `40 true positives`, `ложноположительных 10`."""
    names = {
        "tp": r"true[\s-]positives?|истинно[\s-]?положительн\w*",
        "fp": r"false[\s-]positives?|ложно[\s-]?положительн\w*",
        "fn": r"false[\s-]negatives?|ложно[\s-]?отрицательн\w*",
        "tn": r"true[\s-]negatives?|истинно[\s-]?отрицательн\w*",
    }
    out = {}
    for key, words in names.items():
        patterns = (
            rf"\b{key}\s*(?:=|:|\s)\s*(\d+)\b",
            rf"(?:{words})\s*(?:=|:)?\s*(\d+)",
            rf"(\d+)\s*(?:{words}|{key}\b)",
        )
        value = integer(patterns, text)
        if value is not None:
            out[key] = value
    return out
