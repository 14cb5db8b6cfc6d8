"""Calculators that show their work: memory, KV cache, parameter counts, compute and metrics.

Numbers never come from a model: each calculator is a typed function over a pydantic query,
listed in `coach.calculators.registry`, with thin CLI and LangChain adapters on top.
"""
