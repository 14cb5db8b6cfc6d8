"""One error hierarchy; faces turn these into one-line messages (exit code 2)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any


class CoachError(Exception):
    """Base of every error the coach reports to a user."""


class CorpusError(CoachError):
    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path, self.line = Path(path), line
        where = f"{self.path.name}:{line}" if line else self.path.name
        super().__init__(f"{where}: {message}")


class IndexStaleError(CoachError):
    def __init__(self, reason: str, manifest: dict[str, Any] | None = None) -> None:
        self.reason, self.manifest = reason, manifest
        super().__init__(f"index is not usable: {reason}; run `coach index build`")


class LLMUnavailable(CoachError):
    def __init__(self, provider: str, cause: str) -> None:
        self.provider, self.cause = provider, cause
        super().__init__(f"LLM backend {provider} unavailable: {cause}")


class InputError(CoachError):
    def __init__(self, field: str, value: Any, allowed: Iterable[Any] | str | None = None) -> None:
        self.field, self.value = field, value
        self.allowed = allowed if isinstance(allowed, str) or allowed is None else list(allowed)
        hint = ""
        if isinstance(self.allowed, str):
            hint = f" ({self.allowed})"
        elif self.allowed:
            hint = f"; allowed: {', '.join(map(str, self.allowed))}"
        super().__init__(f"invalid {field}: {value!r}{hint}")
