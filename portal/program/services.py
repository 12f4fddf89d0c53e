"""Checking and storing the program settings (portal.core.program_settings) an admin changes:
by the same rules as the environment's variables (portal.config.Settings, and the letters' own
check of the number pattern), each change audited with the old and the new value."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from portal.config import Settings
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.program_settings import EDITABLE, ProgramSetting, stored_values
from portal.letters.services.letters import check_number_pattern


class SettingProblem(enum.StrEnum):
    INVALID = "invalid"  # the environment's rule for this variable refuses it (detail: the rule's words)
    PATTERN = "pattern"  # a letter number pattern that cannot number letters (detail: why)


class SettingsRefused(DomainError):
    """One or more values refused; `problems` names each field's problem."""


@dataclass(frozen=True, slots=True)
class Problem:
    code: SettingProblem
    detail: str


def stored(*, session: Session) -> dict[str, str]:
    return stored_values(session)


def environment_value(base: Settings, name: str) -> str:
    """A setting of the environment as its variable would be written (the page shows it as the default)."""
    value = getattr(base, name)
    if value is None:
        return ""
    if isinstance(value, dict):
        return ",".join(f"{key}={days}" for key, days in value.items())
    if isinstance(value, tuple):
        return ",".join(day.isoformat() for day in value)
    return str(value)


def check(*, base: Settings, values: dict[str, str]) -> dict[str, Problem]:
    """The problems of the values (non-empty ones override the environment's), by name."""
    problems: dict[str, Problem] = {}
    pattern = values.get("LETTER_NUMBER_PATTERN", "")
    if pattern:
        try:
            check_number_pattern(pattern)
        except ValueError as error:
            problems["LETTER_NUMBER_PATTERN"] = Problem(SettingProblem.PATTERN, str(error))
    overrides = {name: value for name, value in values.items() if value and name in EDITABLE}
    try:
        type(base)(**{**base.model_dump(), **overrides})
    except ValidationError as error:
        for found in error.errors(include_url=False):
            name = str(found["loc"][0]) if found["loc"] else ""
            if name in overrides and name not in problems:
                cause = found.get("ctx", {}).get("error") if found["type"] == "value_error" else None
                problems[name] = Problem(SettingProblem.INVALID, str(cause or found["msg"]))
    return problems


def save(*, session: Session, base: Settings, values: dict[str, str], who: audit.Actor) -> list[str]:
    """Store what changed (an empty value: back to the environment's) and audit each change;
    the names changed. Raises SettingsRefused and stores nothing when any value is refused."""
    before = stored_values(session)
    wanted = {name: (values.get(name) or "").strip() for name in EDITABLE}
    candidate = {**before, **wanted}
    problems = check(base=base, values=candidate)
    if problems:
        raise SettingsRefused(SettingProblem.INVALID, problems=problems)
    changed = [name for name in EDITABLE if wanted[name] != before.get(name, "")]
    for name in changed:
        new = wanted[name]
        if new:
            row = session.get(ProgramSetting, name) or ProgramSetting(name=name)
            row.value, row.updated_at, row.updated_by_id = new, utcnow(), who.account_id
            session.add(row)
        else:
            session.execute(sa.delete(ProgramSetting).where(ProgramSetting.name == name))
        audit.record(
            session=session,
            actor=who,
            action="ubah_pengaturan",
            object_type="setting",
            object_id=name,
            detail=f"{before.get(name) or '(bawaan lingkungan)'} → {new or '(bawaan lingkungan)'}"[:500],
        )
    session.flush()
    return changed
