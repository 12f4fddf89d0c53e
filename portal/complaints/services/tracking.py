"""Filing and tracking complaints without an account: a reference and an access code."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from portal.assistance.models import AssistanceRequest
from portal.complaints.models.complaint import (
    Complaint,
    ComplaintStatus,
    EventKind,
    Satisfaction,
)
from portal.complaints.services import attachments as files
from portal.complaints.services.filing import attach_file
from portal.complaints.services.lifecycle import RESOLVED_STATUSES, Actor, add_event, transition
from portal.core import lockout
from portal.core.base import utcnow
from portal.core.errors import DomainError, Locked
from portal.core.hashing import dummy_hashes
from portal.core.lockout import DEFAULT_POLICY, LockoutPolicy, keyed_hash
from portal.core.lockout_models import LockoutScope
from portal.core.references import ASSISTANCE_SERIES, normalize_access_code, normalize_reference
from portal.core.workdays import WorkCalendar

RATING_WINDOW = timedelta(days=14)


# Tracking ----------------------------------------------------------------------------------


def track(
    *,
    session: Session,
    reference: str,
    access_code: str,
    client: str,
    hmac_key: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> Complaint | AssistanceRequest | None:
    """The complaint (or, for a BTN reference, the assistance request) when reference and code
    match; None otherwise (an unknown reference and a wrong code are the same answer). Raises
    Locked after repeated failures of this client (an opaque key: the address on the web) for
    this reference; other clients, the resident among them, are not locked out by them.

    The attempt is counted before the code is compared, so parallel bursts get five guesses too.
    An 8-character code from 31 symbols (about 2^39.6) needs no total over every client to hold:
    see docs/security.md. The total is counted for staff to see an attack (lockout.count_total).
    """
    now = now or utcnow()
    reference = normalize_reference(reference)
    secret_hmac = keyed_hash(hmac_key, "lacak:" + reference)
    attempt = lockout.reserve(
        session,
        scope=LockoutScope.TRACKING,
        secret_hmac=secret_hmac,
        client_hmac=keyed_hash(hmac_key, client),
        policy=policy,
        now=now,
    )
    if not attempt.allowed:  # an unknown reference is locked the same way: this says nothing about it
        raise Locked(
            _(
                "Terlalu banyak percobaan untuk nomor ini dari perangkat Anda. Coba lagi setelah %(minutes)d menit, "
                "atau tanyakan perkembangannya di kantor kelurahan atau Disnaker Kota Bekasi dengan membawa "
                "nomor tersebut.",
                minutes=attempt.wait_minutes,
            ),
            retry_after_seconds=attempt.wait_seconds,
        )
    model = AssistanceRequest if reference.startswith(ASSISTANCE_SERIES + "-") else Complaint
    complaint = session.scalars(sa.select(model).where(model.reference == reference)).first()
    code = normalize_access_code(access_code)
    if complaint is not None and check_password_hash(complaint.access_code_hash, code):
        lockout.succeeded(session, attempt)
        return complaint
    if complaint is None:
        # same work either way: no timing difference between unknown reference and wrong code
        check_password_hash(dummy_hashes()[1], code)
    lockout.failed(session, attempt, policy)
    lockout.count_total(session, scope=LockoutScope.TRACKING, secret_hmac=secret_hmac, policy=policy, now=now)
    return None


def answer_information_request(
    *,
    session: Session,
    complaint: Complaint,
    message: str,
    new_files: list[files.CleanFile],
    directory: Path,
    calendar: WorkCalendar,
    now: datetime | None = None,
) -> None:
    """The resident answers "please send more information": the clock runs again."""
    now = now or utcnow()
    event = add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.JAWABAN_WARGA,
        actor_label="warga",
        message=message,
        public=True,
        now=now,
    )
    for file in new_files:
        record = attach_file(session=session, directory=directory, file=file, complaint=complaint)
        record.event_id = event.id
    transition(
        session=session,
        complaint=complaint,
        target=ComplaintStatus.DIVERIFIKASI,
        actor=Actor.WARGA,
        actor_label="warga",
        calendar=calendar,
        now=now,
    )


def can_rate(complaint: Complaint, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        complaint.status in RESOLVED_STATUSES
        and complaint.satisfaction is None
        and complaint.resolved_at is not None
        and now - complaint.resolved_at <= RATING_WINDOW
    )


def rate_resolution(
    *,
    session: Session,
    complaint: Complaint,
    satisfaction: Satisfaction,
    calendar: WorkCalendar,
    now: datetime | None = None,
) -> None:
    """ "Puas" or "belum puas" within 14 days; the first "belum puas" opens the one appeal."""
    now = now or utcnow()
    if not can_rate(complaint, now):
        raise DomainError(_("Penilaian hanya bisa diberikan sekali, dalam 14 hari setelah pengaduan selesai."))
    complaint.satisfaction = satisfaction
    add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.PENILAIAN,
        actor_label="warga",
        message="",
        public=True,
        now=now,
    )
    if satisfaction is Satisfaction.BELUM_PUAS and not complaint.appealed:
        complaint.appealed = True
        transition(
            session=session,
            complaint=complaint,
            target=ComplaintStatus.BANDING,
            actor=Actor.WARGA,
            actor_label="warga",
            calendar=calendar,
            now=now,
        )
    session.flush()
