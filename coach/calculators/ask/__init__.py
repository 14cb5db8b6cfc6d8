"""Numeric questions typed in words ("how much memory to train a 13B model?"), read into a
calculator call and answered with the calculator's arithmetic."""

from coach.calculators.ask.reader import Answer, Parsed, answer, parse

__all__ = ["Answer", "Parsed", "answer", "parse"]
