"""Domain settings for routes and CLI to hand to services, from the Settings checked at start
(portal.config.read_settings, kept in app.extensions by create_app): nothing is parsed here.

app.config carries the same values under the same names. A value changed there after the start
(tests do) is checked like the rest and taken from then on; in production nothing changes, and
the comparison is all that is done.

On top come the program settings an admin changed on /petugas/admin/pengaturan
(portal.core.program_settings): read once per app context (a request, a task, a command), on a
connection of their own so that the request's transaction is never touched, and checked by the
same Settings rules (they were checked before they were stored too): `program_rules()` and the
functions built on it. app.config keeps the environment's values: read the program's rules here.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app, g

from portal.core.files import Area, FileStore, open_store
from portal.core.lockout import LockoutPolicy
from portal.core.mail import SmtpSettings
from portal.core.program_settings import stored_values
from portal.core.signing import CityCertificate, SigningKey, known_certificates, load_pkcs12
from portal.core.sla import SlaTargets
from portal.core.workdays import WorkCalendar

if TYPE_CHECKING:
    from portal.config import Settings


def current_settings() -> Settings:
    """The settings as the environment (and app.config) gives them, without what an admin stored:
    the machine's (database, files, contact, keys). The program's rules: `program_rules()`."""
    app = current_app
    settings: Settings = app.extensions["sigap_settings"]
    config = app.config
    changed = {
        name: config[name]
        for name in type(settings).model_fields
        if name in config and config[name] != getattr(settings, name)
    }
    if changed:
        settings = app.extensions["sigap_settings"] = settings.revised(changed)
    return settings


def _stored() -> dict[str, str]:
    if "sigap_program_settings" not in g:
        from portal.extensions import db

        try:
            with db.engine.connect() as connection:
                g.sigap_program_settings = stored_values(connection)
        except sa.exc.DBAPIError:  # a database not yet upgraded to 0021: the environment's values
            g.sigap_program_settings = {}
    stored: dict[str, str] = g.sigap_program_settings
    return stored


def forget_stored_settings() -> None:
    """After an admin changed them: the rest of this context reads them again."""
    g.pop("sigap_program_settings", None)


def program_rules() -> Settings:
    """The environment's settings with the program settings an admin stored laid over them (SLA
    targets, cuti bersama, quota and budget, the letters' number pattern)."""
    settings = current_settings()
    stored = _stored()
    if not stored:
        return settings
    items = tuple(sorted(stored.items()))
    cached = current_app.extensions.get("sigap_program_overlay")  # (base, items, overlaid): base kept, not its id
    if cached is not None and cached[0] is settings and cached[1] == items:
        overlaid: Settings = cached[2]
        return overlaid
    overlaid = settings.revised(stored)
    current_app.extensions["sigap_program_overlay"] = (settings, items, overlaid)
    return overlaid


def work_calendar() -> WorkCalendar:
    return WorkCalendar.with_cuti_bersama(program_rules().CUTI_BERSAMA)


def sla_targets() -> SlaTargets:
    settings = program_rules()
    return SlaTargets(
        verify_days=settings.SLA_VERIFY_DAYS,
        resolve_days=settings.SLA_RESOLVE_DAYS,
        verify_days_by_category=settings.SLA_VERIFY_DAYS_BY_CATEGORY,
        resolve_days_by_category=settings.SLA_RESOLVE_DAYS_BY_CATEGORY,
    )


def letter_number_pattern() -> str:
    return program_rules().LETTER_NUMBER_PATTERN


def lockout_policy() -> LockoutPolicy:
    """The status check, tracking and officers' sign-in: failures per (secret, client) before a
    lockout, its first length; a secret's total over every client tells staff (and refuses
    unknown devices at sign-in) at ten times the per-client limit."""
    settings = current_settings()
    return LockoutPolicy(
        max_failures=settings.NIK_LOCKOUT_FAILURES,
        base_minutes=settings.NIK_LOCKOUT_MINUTES,
        total_failures=10 * settings.NIK_LOCKOUT_FAILURES,
    )


def rejects_dir() -> Path:
    """Where the rejected rows of web roster imports are kept for admins (ROSTER_REJECTS_DIR)."""
    return Path(current_settings().ROSTER_REJECTS_DIR)


# Areas whose local folder has a setting of its own (kept from before the store); the others are
# FILE_DIR/<area>.
LOCAL_FOLDER_SETTINGS: dict[str, str] = {Area.ATTACHMENTS: "ATTACHMENT_DIR", Area.LETTER_BATCHES: "LETTER_BATCH_DIR"}


def local_folder(area: str) -> Path:
    """The local store's folder of `area` (also where `flask files migrate` copies from)."""
    settings = current_settings()
    name = LOCAL_FOLDER_SETTINGS.get(area)
    return Path(getattr(settings, name)) if name else Path(settings.FILE_DIR) / area


def file_store(area: str) -> FileStore:
    """The store of `area` that FILE_STORE names, for routes and commands to hand to services."""
    from portal.extensions import db

    return open_store(kind=current_settings().FILE_STORE, area=area, folder=local_folder(area), engine=db.engine)


def attachment_store() -> FileStore:
    return file_store(Area.ATTACHMENTS)


def smtp_settings() -> SmtpSettings:
    settings = current_settings()
    return SmtpSettings(
        host=settings.SMTP_HOST,
        port=settings.SMTP_PORT,
        sender=settings.SMTP_SENDER,
        username=settings.SMTP_USERNAME,
        password=settings.SMTP_PASSWORD,
        starttls=settings.SMTP_STARTTLS,
    )


def signing_key() -> SigningKey:
    """The city's key for letters (LETTER_SIGNING_P12, checked at start), read once per process."""
    settings = current_settings()
    passphrase = settings.LETTER_SIGNING_PASSPHRASE.encode() if settings.LETTER_SIGNING_PASSPHRASE else None
    return _signing_key(settings.LETTER_SIGNING_P12 or "", passphrase)


@functools.cache
def _signing_key(path: str, passphrase: bytes | None) -> SigningKey:
    return load_pkcs12(Path(path).read_bytes(), passphrase)


def city_certificates() -> list[CityCertificate]:
    """Every certificate the city has used for letters, the current one included, oldest first."""
    bundle = current_settings().LETTER_SIGNING_CERTS
    return known_certificates(signing_key(), Path(bundle).read_bytes() if bundle else b"")
