"""Model weights the coach fetches on first use (never at import) and verifies before use."""
