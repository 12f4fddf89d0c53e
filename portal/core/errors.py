"""Domain errors. A rule that says no raises one with a code (which rule) and the facts a message
needs; the web layer or a command turns them into plain Indonesian through its domain's labels
module (`portal/<domain>/labels.py`), so the rules speak no language."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, **{self.params!r})"


class RosterFileError(DomainError):
    """The whole roster file cannot be imported (header, encoding); nothing was written."""


class Locked(DomainError):
    """Too many failures from one client: try again after `minutes` (`retry_after_seconds` exactly).
    The code says what was locked (a NIK, a reference, a sign-in)."""

    def __init__(self, code: str, /, *, minutes: int, retry_after_seconds: int) -> None:
        super().__init__(code, minutes=minutes)
        self.minutes = minutes
        self.retry_after_seconds = retry_after_seconds
