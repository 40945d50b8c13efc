"""Errors a user can act on. Each says what was wrong and, where it helps, what to do."""

from __future__ import annotations


class ExoError(Exception):
    """Base class: the CLI prints these without a traceback and exits with status 2."""

    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
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
