"""How each kind of SIGAP variable is read: the validators portal.config's Settings applies. Each
raises ValueError with what is wanted; Settings adds the variable's name."""

from __future__ import annotations

from typing import Any

from pydantic import HttpUrl, TypeAdapter

from portal.core.workdays import parse_dates


def days_by_category(value: str) -> dict[str, int]:
    """ "informasi=5,data_salah=10" → {"informasi": 5, "data_salah": 10}; a typo stops the start,
    not every filing later. Raises ValueError (the Settings field adds the variable's name)."""
    from portal.complaints.models.complaint import ComplaintCategory

    categories = [c.value for c in ComplaintCategory]
    days: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in (value or "").split(","))):
        category, _sep, number = part.partition("=")
        category = category.strip()
        if category not in categories:
            raise ValueError(f"unknown category {category!r}; use one of {', '.join(categories)}")
        number = number.strip()
        if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= 365:
            raise ValueError(f"{part!r} needs a number of working days from 1 to 365, e.g. informasi=5")
        days[category] = int(number)
    return days


def stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def dates(value: Any) -> Any:
    """ "2026-11-23, 2026-11-24" → the dates (CUTI_BERSAMA); anything else is left to the type."""
    if not isinstance(value, str):
        return value
    try:
        return tuple(parse_dates(value))
    except ValueError as error:
        raise ValueError(f"needs dates YYYY-MM-DD separated by commas ({error})") from None


def rate_limit(value: str) -> str:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError as error:
        raise ValueError(f"is not a rate limit like '10 per hour;30 per day' ({error})") from None
    return value


def public_url(value: str) -> str:
    TypeAdapter(HttpUrl).validate_python(value)  # http(s), a host; kept as written, without the last /
    return value.rstrip("/")


def database_url(value: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://") :]
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://") :]
    try:
        make_url(value)
    except ArgumentError:
        raise ValueError("is not a database URL, e.g. postgresql://sigap@db/sigap") from None
    return value


def task_queue_url(value: str) -> str:
    if value == "immediate" or value.startswith(("redis://", "rediss://", "unix://")):
        return value
    if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
        return value
    raise ValueError("needs sqlite:///PATH, redis://HOST:PORT/DB or immediate")


def mode(value: Any) -> Any:
    return stripped(value).lower() if isinstance(value, str) else value
