"""Helper scripts; `from scripts import local_llm` works from the repository root."""
