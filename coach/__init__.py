"""Interview Coach: mock ML/NLP/LLM interviews with grounded grading and calculators."""

__version__ = "0.1.0"
