"""Validation of the answer key against the bank (`coach corpus check`)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from coach.corpus.bank import Bank
from coach.corpus.key import KeyEntry
from coach.corpus.models import Kind, Question

WEIGHT_TOLERANCE = 1e-3
MIN_POINTS, MAX_POINTS = 3, 6

# Runs a calculator by tool name and returns its output as a dict; injected so the corpus layer
# does not depend on the calculators' package.
Calculator = Callable[[str, dict], dict]


class Problem(BaseModel):
    question_id: str
    message: str


def check(bank: Bank, entries: dict[str, KeyEntry], calculate: Calculator) -> list[Problem]:
    """Every problem found; an empty list means the key is complete and consistent."""
    problems: list[Problem] = []
    questions = bank.by_id()
    citable = {p.id for p in bank.passages} | {q.id for q in bank.questions if q.answer}
    for extra in sorted(set(entries) - set(questions)):
        problems.append(Problem(question_id=extra, message="key entry for no bank question"))
    for question in bank.questions:
        entry = entries.get(question.id)
        if entry is None:
            problems.append(Problem(question_id=question.id, message="no key entry"))
            continue
        messages = _check_entry(question, entry, citable, calculate)
        problems.extend(Problem(question_id=question.id, message=m) for m in messages)
    return problems


def _check_entry(
    question: Question, entry: KeyEntry, citable: set[str], calculate: Calculator
) -> list[str]:
    messages: list[str] = []
    if not entry.text_en.strip():
        messages.append("empty text_en")
    if not entry.reference_en.strip():
        messages.append("empty reference_en")
    points = [p.text.strip().lower() for p in entry.key_points]
    if not MIN_POINTS <= len(points) <= MAX_POINTS:
        messages.append(f"{len(points)} key points (want {MIN_POINTS}-{MAX_POINTS})")
    if any(not p for p in points) or len(set(points)) != len(points):
        messages.append("key points must be non-empty and distinct")
    total = sum(p.weight for p in entry.key_points)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        messages.append(f"key point weights sum to {total:.3f}, not 1")
    messages.extend(f"citation {c} does not resolve" for c in entry.citations if c not in citable)
    if question.kind is Kind.MULTIPLE_CHOICE:
        messages.extend(_check_choice(question, entry))
    if question.kind is Kind.NUMERIC:
        messages.extend(_check_numeric(entry, calculate))
    return messages


def _check_choice(question: Question, entry: KeyEntry) -> list[str]:
    messages: list[str] = []
    if entry.correct_option is None or not 1 <= entry.correct_option <= len(question.options):
        messages.append(f"correct_option {entry.correct_option} out of 1..{len(question.options)}")
    if len(entry.options_en) != len(question.options):
        messages.append(f"{len(entry.options_en)} options_en for {len(question.options)} options")
    if not (entry.justification or "").strip():
        messages.append("multiple choice without a justification")
    return messages


def _check_numeric(entry: KeyEntry, calculate: Calculator) -> list[str]:
    numeric = entry.numeric
    if numeric is None:
        return ["numeric question without a numeric answer"]
    try:
        output = calculate(numeric.calculator.tool, numeric.calculator.args)
    except Exception as exc:  # any calculator failure is a key problem to report, not a crash
        return [f"calculator {numeric.calculator.tool} failed: {exc}"]
    got = output.get(numeric.calculator.field)
    if not isinstance(got, int | float):
        return [f"calculator output has no numeric field {numeric.calculator.field!r}"]
    if abs(got - numeric.value) > numeric.tolerance * max(abs(numeric.value), 1e-9):
        return [f"calculator gives {got:g} {numeric.unit}, key says {numeric.value:g}"]
    return []
