"""Domain errors. Each carries a plain-Indonesian message the web layer or CLI can show."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RosterFileError(DomainError):
    """The whole roster file cannot be imported (header, encoding); nothing was written."""


class Locked(DomainError):
    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
