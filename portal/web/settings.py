"""Domain settings built from the app config, for routes and CLI to hand to services."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from portal.core.lockout import LockoutPolicy
from portal.core.mail import SmtpSettings
from portal.core.sla import SlaTargets
from portal.core.workdays import WorkCalendar, parse_dates


def work_calendar() -> WorkCalendar:
    return WorkCalendar.with_cuti_bersama(parse_dates(current_app.config["CUTI_BERSAMA"]))


def sla_targets() -> SlaTargets:
    config = current_app.config
    return SlaTargets(
        verify_days=config["SLA_VERIFY_DAYS"],
        resolve_days=config["SLA_RESOLVE_DAYS"],
        verify_days_by_category=config["SLA_VERIFY_DAYS_BY_CATEGORY"],
        resolve_days_by_category=config["SLA_RESOLVE_DAYS_BY_CATEGORY"],
    )


def lockout_policy() -> LockoutPolicy:
    """The status check, tracking and officers' sign-in: failures per (secret, client) before a
    lockout, its first length; a secret's total over every client tells staff (and refuses
    unknown devices at sign-in) at ten times the per-client limit."""
    config = current_app.config
    return LockoutPolicy(
        max_failures=config["NIK_LOCKOUT_FAILURES"],
        base_minutes=config["NIK_LOCKOUT_MINUTES"],
        total_failures=10 * config["NIK_LOCKOUT_FAILURES"],
    )


def attachment_dir() -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"])


def smtp_settings() -> SmtpSettings:
    config = current_app.config
    return SmtpSettings(
        host=config["SMTP_HOST"],
        port=config["SMTP_PORT"],
        sender=config["SMTP_SENDER"],
        username=config["SMTP_USERNAME"],
        password=config["SMTP_PASSWORD"],
        starttls=config["SMTP_STARTTLS"],
    )
