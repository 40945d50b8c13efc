"""Errors a user can act on. Each says what was wrong and, where it helps, what to do."""

from __future__ import annotations

_LONGEST = 2000  # characters of a message shown; a pasted value is not echoed in full


def shown(value, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters with the full length said, for messages that
    name a value someone typed (which may be 100,000 characters long)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[:limit]}… ({size:,} characters)"


def _bounded(message: str) -> str:
    if len(message) <= _LONGEST:
        return message
    half = _LONGEST // 2
    return f"{message[:half]} … [{len(message) - 2 * half:,} characters left out] … {message[-half:]}"


class ExoError(Exception):
    """Base class: the CLI prints these without a traceback and exits with status 2."""

    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(_bounded(str(message)))
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:  # message, then the hint on its own line
        base = super().__str__()
        return f"{base}\n  hint: {self.hint}" if self.hint else base


class BadParameter(ExoError, ValueError):
    """A parameter value is not acceptable (unknown country, reversed years, ...)."""


class MalformedFile(ExoError, ValueError):
    """An input file is not of the expected kind or is damaged."""


class SourceError(ExoError):
    """A live source failed (HTTP error, error body, truncated response)."""


class IntegrityError(ExoError):
    """A stored file no longer matches the checksum recorded beside it."""


class MissingData(ExoError, FileNotFoundError):
    """Data that a step needs is not there."""
