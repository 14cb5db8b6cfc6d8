"""Numeric answers: read the number and unit a candidate gave and check it against the
calculator (numbers never come from a model or from memory)."""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

from coach.corpus.key import NumericAnswer
from coach.errors import CoachError
from coach.grading.models import NumericCheck

log = logging.getLogger(__name__)

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
_NUMBER = (
    r"(?<![A-Za-z0-9_.])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:([.,])(\d+))?"
    r"(?:\s*[eE]([+-]?\d+))?"
)
_UNIT = r"\s*([a-zA-Zа-яА-ЯёЁ]+|[\u0600-\u06ff]+|[\u4e00-\u9fff]+|%)?"
_QUANTITY = re.compile(_NUMBER + _UNIT)
# Words after which a candidate states the result of a calculation.
_TOTAL_CUES = re.compile(
    r"(=|≈|~|total|overall|in all|sum|итого|всего|в сумме|суммарно|получ\w+|总共|总计|合计|"
    r"مجموع|جمعا|در مجموع|کل)\s*[:\-–]?\s*(?:is\s+|of\s+|about\s+|около\s+|примерно\s+)?$",
    re.IGNORECASE,
)

# unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {}
for _names, _dim, _factor in (
    (("byte", "bytes", "байт", "байта", "байтов", "بایت"), "bytes", 1.0),
    (("kb", "кб", "kilobytes", "کیلوبایت"), "bytes", 1e3),
    (("mb", "мб", "megabytes", "мегабайт", "مگابایت"), "bytes", 1e6),
    (
        (
            "gb",
            "гб",
            "gigabyte",
            "gigabytes",
            "гигабайт",
            "гигабайта",
            "гигабайтов",
            "گیگابایت",
            "گیگ",
        ),
        "bytes",
        1e9,
    ),
    (("tb", "тб", "terabytes", "терабайт", "ترابایت"), "bytes", 1e12),
    (("kib", "киб"), "bytes", 2.0**10),
    (("mib", "миб"), "bytes", 2.0**20),
    (("gib", "гиб", "гибибайт"), "bytes", 2.0**30),
    (("tib", "тиб"), "bytes", 2.0**40),
    (("k", "thousand", "тыс", "тысяч", "千", "هزار"), "count", 1e3),
    (("m", "million", "millions", "млн", "миллион", "миллионов", "百万", "میلیون"), "count", 1e6),
    (
        ("b", "bn", "billion", "billions", "млрд", "миллиард", "миллиардов", "十亿", "میلیارد"),
        "count",
        1e9,
    ),
    (("t", "trillion", "трлн", "триллион", "万亿"), "count", 1e12),
    (("%", "percent", "процент", "процентов", "درصد"), "percent", 1.0),
):
    for _name in _names:
        UNITS[_name] = (_dim, _factor)


class Quantity(NamedTuple):
    value: float
    unit: str | None
    start: int


def quantities(text: str) -> list[Quantity]:
    """Every number in the text with the unit word right after it, if one is known."""
    text = text.translate(_DIGITS)
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text):
        whole, sep, frac, exp, unit = match.groups()
        number = float(re.sub(r"\s", "", whole))
        if frac is not None:
            # "1,000" groups thousands; "10,5" is a decimal comma (Russian and Persian usage).
            thousands = sep == "," and len(frac) == 3
            number = number * 1000 + int(frac) if thousands else float(f"{number:.0f}.{frac}")
        if exp is not None:
            number *= 10.0 ** int(exp)
        word = unit.lower() if unit else None
        found.append(Quantity(number, word if word in UNITS else None, match.start()))
    return found


def given(text: str, expected_unit: str) -> Quantity | None:
    """The number the candidate offers as the result: one stated as a total if any, else the
    last one in a compatible unit, else the last number."""
    found = quantities(text)
    if not found:
        return None
    flat = text.translate(_DIGITS)
    totals = [q for q in found if _TOTAL_CUES.search(flat[max(0, q.start - 24) : q.start])]
    if totals:
        return totals[-1]
    dimension = UNITS.get(expected_unit.lower(), ("", 1.0))[0]
    compatible = [q for q in found if q.unit and UNITS[q.unit][0] == dimension]
    return (compatible or found)[-1]


def convert(quantity: Quantity, expected_unit: str) -> float | None:
    """The quantity in the expected unit; a bare number is taken to be in it already."""
    target = UNITS.get(expected_unit.lower())
    if quantity.unit is None or target is None:
        return quantity.value
    dimension, factor = UNITS[quantity.unit]
    if dimension != target[0]:
        return None
    return quantity.value * factor / target[1]


def expected(numeric: NumericAnswer) -> tuple[float, str, list[str]]:
    """The calculator's value for the key's structured call, its unit and the arithmetic."""
    from coach.calculators import registry

    call = numeric.calculator
    try:
        result = registry.run(call.tool, call.args)
    except CoachError as exc:
        log.warning("calculator %s failed for a key entry: %s", call.tool, exc)
        return numeric.value, numeric.unit, [f"calculator unavailable ({exc}); key value used"]
    value = result.field(call.field)
    if value is None:
        return numeric.value, numeric.unit, [f"calculator gave no {call.field}; key value used"]
    return value, numeric.unit, list(result.steps)


def check(answer: str, numeric: NumericAnswer) -> NumericCheck:
    value, unit, steps = expected(numeric)
    quantity = given(answer, unit)
    converted = convert(quantity, unit) if quantity else None
    ok = converted is not None and abs(converted - value) <= numeric.tolerance * abs(value)
    return NumericCheck(
        expected=value,
        unit=unit,
        given=quantity.value if quantity else None,
        given_unit=quantity.unit if quantity else None,
        given_converted=converted,
        tolerance=numeric.tolerance,
        ok=ok,
        explanation="\n".join(steps),
        convention=numeric.convention,
    )
