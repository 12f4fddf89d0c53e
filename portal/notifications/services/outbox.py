"""The outbox's states (portal.notifications.models), moved one message at a time by conditional UPDATEs,
so that two senders, a sender that dies, and staff acting at the same moment never send a
message twice.

A sender claims a message (antre -> mengirim, with a lease) in a statement of its own, which its
caller commits before the SMTP conversation starts, and records the outcome for that message
alone (portal.notifications.sender commits after each step). A claim whose lease ran out is never
retried: the message becomes tidak_pasti and waits for a person, because it may have gone out.
Staff put a gagal or tidak_pasti message back in the queue, audited.
"""

from __future__ import annotations

import enum
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.sql import rowcount, table_of
from portal.notifications.models import OutboxChannel, OutboxMessage, OutboxState

MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=5)  # far above one message's SMTP conversation (a few replies, 10 s each at most)
LEASE_EXPIRED = "LeaseExpired: "  # + the claimant: the sender stopped (or hung) before it knew the outcome
PAGE_SIZE = 200

table = _table = table_of(OutboxMessage)
columns = _c = _table.c


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the first, second, third … failed attempt, at most 4 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 240))


def claimant_name() -> str:
    """Who claims: host and process (for staff and logs), and a random part that makes every run
    of a sender distinct even when a process id is reused."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(4)}"


FALL_BACK_AFTER = 3  # failed attempts on SMS or WhatsApp before the notice's next channel is tried


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    to_address: str
    subject: str
    body: str
    attempts: int  # this attempt included
    channel: OutboxChannel = OutboxChannel.EMAIL
    template: str | None = None
    parameters: tuple[str, ...] = ()
    notice_id: int | None = None
    route_position: int = 0


def expire_leases(*, session: Session, now: datetime) -> int:
    """Claims whose lease ran out: the sender died or hung after claiming. Never sent again by
    itself: tidak_pasti, for a person to check."""
    result = session.execute(
        _table.update()
        .where(_c.state == OutboxState.MENGIRIM.value, _c.lease_until < now)
        .values(state=OutboxState.TIDAK_PASTI.value, last_error=sa.literal(LEASE_EXPIRED) + _c.claimed_by)
    )
    return rowcount(result)


def any_due(*, session: Session, now: datetime) -> bool:
    return (
        session.scalar(sa.select(_c.id).where(_c.state == OutboxState.ANTRE.value, _c.next_attempt_at <= now).limit(1))
        is not None
    )


def claim_next(*, session: Session, now: datetime, claimant: str, lease: timedelta = LEASE) -> Claimed | None:
    """The oldest due message, claimed in one statement: on PostgreSQL the row is locked with
    SKIP LOCKED (a concurrent sender takes the next one instead of waiting), and on both backends
    the UPDATE only matches a row that is still queued. The caller commits before sending."""
    due = (
        sa.select(_c.id)
        .where(_c.state == OutboxState.ANTRE.value, _c.next_attempt_at <= now)
        .order_by(_c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    row = session.execute(
        _table.update()
        .where(_c.id == due, _c.state == OutboxState.ANTRE.value)
        .values(
            state=OutboxState.MENGIRIM.value,
            claimed_by=claimant,
            lease_until=now + lease,
            last_attempt_at=now,
            attempts=_c.attempts + 1,
        )
        .returning(
            _c.id,
            _c.to_address,
            _c.subject,
            _c.body,
            _c.attempts,
            _c.channel,
            _c.template,
            _c.parameters,
            _c.notice_id,
            _c.route_position,
        )
    ).first()
    if row is None:
        return None
    return Claimed(
        id=row.id,
        to_address=row.to_address,
        subject=row.subject,
        body=row.body,
        attempts=row.attempts,
        channel=OutboxChannel(row.channel),
        template=row.template,
        parameters=tuple(row.parameters or ()),
        notice_id=row.notice_id,
        route_position=row.route_position,
    )


def _ours(message_id: int, claimant: str, *states: OutboxState) -> sa.ColumnElement[bool]:
    return sa.and_(_c.id == message_id, _c.claimed_by == claimant, _c.state.in_([s.value for s in states]))


def mark_sent(
    *, session: Session, message_id: int, claimant: str, now: datetime, provider_id: str | None = None
) -> bool:
    """The server accepted it. Also when the lease ran out meanwhile (tidak_pasti) or staff already
    queued it again: it went out, and must not go out twice. An e-mail gets no delivery report, so
    the notice's later channels are not needed; an SMS or WhatsApp keeps them until its report."""
    result = session.execute(
        _table.update()
        .where(_ours(message_id, claimant, OutboxState.MENGIRIM, OutboxState.TIDAK_PASTI, OutboxState.ANTRE))
        .values(state=OutboxState.TERKIRIM.value, sent_at=now, lease_until=None, provider_id=provider_id)
        .returning(_c.channel, _c.notice_id)
    ).first()
    if result is None:
        return False
    if result.channel == OutboxChannel.EMAIL.value:
        _skip_rest(session, result.notice_id)
    return True


def _skip_rest(session: Session, notice_id: int | None) -> None:
    if notice_id is not None:
        session.execute(
            _table.update()
            .where(_c.notice_id == notice_id, _c.state == OutboxState.CADANGAN.value)
            .values(state=OutboxState.DILEWATI.value)
        )


def fall_back(*, session: Session, notice_id: int | None, after_position: int, now: datetime) -> bool:
    """The notice's next channel after `after_position` is queued; False when there is none."""
    if notice_id is None:
        return False
    next_id = session.scalar(
        sa.select(_c.id)
        .where(_c.notice_id == notice_id, _c.state == OutboxState.CADANGAN.value, _c.route_position > after_position)
        .order_by(_c.route_position)
        .limit(1)
    )
    if next_id is None:
        return False
    result = session.execute(
        _table.update()
        .where(_c.id == next_id, _c.state == OutboxState.CADANGAN.value)
        .values(state=OutboxState.ANTRE.value, next_attempt_at=now)
    )
    return rowcount(result) == 1


def _has_fallback(session: Session, claimed: Claimed) -> bool:
    return claimed.notice_id is not None and (
        session.scalar(
            sa.select(_c.id)
            .where(
                _c.notice_id == claimed.notice_id,
                _c.state == OutboxState.CADANGAN.value,
                _c.route_position > claimed.route_position,
            )
            .limit(1)
        )
        is not None
    )


def release(
    *, session: Session, claimed: Claimed, claimant: str, now: datetime, error: str, permanent: bool = False
) -> OutboxState:
    """Not sent (the server said no, or could not be reached): queued again after the backoff, or
    failed for good: after the last attempt, at once when the refusal is permanent (a number that
    cannot get WhatsApp), and for SMS or WhatsApp after FALL_BACK_AFTER attempts when the notice
    has another channel, which is then queued. Returns the new state."""
    gives_up = (
        permanent
        or claimed.attempts >= MAX_ATTEMPTS
        or (
            claimed.channel is not OutboxChannel.EMAIL
            and claimed.attempts >= FALL_BACK_AFTER
            and _has_fallback(session, claimed)
        )
    )
    state = OutboxState.GAGAL if gives_up else OutboxState.ANTRE
    session.execute(
        _table.update()
        .where(_ours(claimed.id, claimant, OutboxState.MENGIRIM, OutboxState.TIDAK_PASTI))
        .values(
            state=state.value, lease_until=None, last_error=error[:500], next_attempt_at=now + backoff(claimed.attempts)
        )
    )
    if gives_up:
        fall_back(session=session, notice_id=claimed.notice_id, after_position=claimed.route_position, now=now)
    return state


class Report(enum.Enum):
    """What a delivery report (Kannel's dlr-url, WhatsApp's status webhook) says."""

    DELIVERED = "delivered"
    FAILED = "failed"
    PENDING = "pending"  # buffered, submitted to the operator, sent to WhatsApp: nothing to change


def record_report(
    *,
    session: Session,
    message_id: int | None = None,
    provider_id: str | None = None,
    report: Report,
    reason: str = "",
    now: datetime,
) -> bool:
    """A delivery report for one message (by our id or the provider's). Delivered: sampai, and the
    notice's later channels are not needed. Failed: gagal with the reason, and the next channel
    is queued. Only a message that went out, or is going out, moves: a report can arrive before the
    sender has recorded the gateway's answer (Kannel reports at once), and is the truer word then;
    the sender's own "sent" no longer overwrites it. Returns whether a message moved."""
    if report is Report.PENDING:
        return False
    which = _c.id == message_id if message_id is not None else _c.provider_id == provider_id
    sent = [OutboxState.TERKIRIM.value, OutboxState.TIDAK_PASTI.value, OutboxState.MENGIRIM.value]
    if report is Report.DELIVERED:
        row = session.execute(
            _table.update()
            .where(which, _c.state.in_(sent + [OutboxState.GAGAL.value]))
            .values(
                state=OutboxState.SAMPAI.value,
                delivered_at=now,
                sent_at=sa.func.coalesce(_c.sent_at, now),
                lease_until=None,
            )
            .returning(_c.notice_id)
        ).first()
        if row is not None:
            _skip_rest(session, row.notice_id)
        return row is not None
    row = session.execute(
        _table.update()
        .where(which, _c.state.in_(sent))
        .values(state=OutboxState.GAGAL.value, last_error=reason[:500] or "delivery report: failed")
        .returning(_c.notice_id, _c.route_position)
    ).first()
    if row is not None:
        fall_back(session=session, notice_id=row.notice_id, after_position=row.route_position, now=now)
    return row is not None


def mark_uncertain(*, session: Session, claimed: Claimed, claimant: str, error: str) -> None:
    """The conversation broke after the message was handed over: it may have been accepted."""
    session.execute(
        _table.update()
        .where(_ours(claimed.id, claimant, OutboxState.MENGIRIM))
        .values(state=OutboxState.TIDAK_PASTI.value, lease_until=None, last_error=error[:500])
    )
