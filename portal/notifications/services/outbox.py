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

import os
import re
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core import trail as audit
from portal.core.sql import rowcount, table_of
from portal.notifications.models import OutboxChannel, OutboxMessage, OutboxState

MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=5)  # far above one message's SMTP conversation (a few replies, 10 s each at most)
LEASE_EXPIRED = "LeaseExpired: "  # + the claimant: the sender stopped (or hung) before it knew the outcome
PAGE_SIZE = 200

_table = table_of(OutboxMessage)
_c = _table.c


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the first, second, third … failed attempt, at most 4 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 240))


def claimant_name() -> str:
    """Who claims: host and process (for staff and logs), and a random part that makes every run
    of a sender distinct even when a process id is reused."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    to_address: str
    subject: str
    body: str
    attempts: int  # this attempt included


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
        .returning(_c.id, _c.to_address, _c.subject, _c.body, _c.attempts)
    ).first()
    if row is None:
        return None
    return Claimed(id=row.id, to_address=row.to_address, subject=row.subject, body=row.body, attempts=row.attempts)


def _ours(message_id: int, claimant: str, *states: OutboxState) -> sa.ColumnElement[bool]:
    return sa.and_(_c.id == message_id, _c.claimed_by == claimant, _c.state.in_([s.value for s in states]))


def mark_sent(*, session: Session, message_id: int, claimant: str, now: datetime) -> bool:
    """The server accepted it. Also when the lease ran out meanwhile (tidak_pasti) or staff already
    queued it again: it went out, and must not go out twice."""
    result = session.execute(
        _table.update()
        .where(_ours(message_id, claimant, OutboxState.MENGIRIM, OutboxState.TIDAK_PASTI, OutboxState.ANTRE))
        .values(state=OutboxState.TERKIRIM.value, sent_at=now, lease_until=None)
    )
    return rowcount(result) == 1


def release(*, session: Session, claimed: Claimed, claimant: str, now: datetime, error: str) -> OutboxState:
    """Not sent (the server said no, or could not be reached): queued again after the backoff, or
    failed for good after the last attempt. Returns the new state."""
    state = OutboxState.GAGAL if claimed.attempts >= MAX_ATTEMPTS else OutboxState.ANTRE
    session.execute(
        _table.update()
        .where(_ours(claimed.id, claimant, OutboxState.MENGIRIM, OutboxState.TIDAK_PASTI))
        .values(
            state=state.value, lease_until=None, last_error=error[:500], next_attempt_at=now + backoff(claimed.attempts)
        )
    )
    return state


def mark_uncertain(*, session: Session, claimed: Claimed, claimant: str, error: str) -> None:
    """The conversation broke after the message was handed over: it may have been accepted."""
    session.execute(
        _table.update()
        .where(_ours(claimed.id, claimant, OutboxState.MENGIRIM))
        .values(state=OutboxState.TIDAK_PASTI.value, lease_until=None, last_error=error[:500])
    )


# Staff: /petugas/email-bermasalah ---------------------------------------------------------------

_EMAIL = re.compile(r"[^\s<>'\"(){}\[\],;:]+@[^\s<>'\"(){}\[\],;:]+")


def mask_address(address: str) -> str:
    """w***@g***.com: enough to tell two addresses apart, not enough to write to one."""
    local, _, domain = address.rpartition("@")
    if not local:
        return "***"
    host, dot, tld = domain.rpartition(".")
    domain_masked = f"{host[:1]}***{dot}{tld}" if host else f"{domain[:1]}***"
    return f"{local[:1]}***@{domain_masked}"


def mask_addresses_in(text: str) -> str:
    """An SMTP error quotes the recipient (SMTPRecipientsRefused): masked like the address column."""
    return _EMAIL.sub(lambda m: mask_address(m.group(0)), text)


def _stuck(now: datetime) -> sa.ColumnElement[bool]:
    """gagal, tidak_pasti, and a claim whose lease ran out that no sender has marked yet."""
    return sa.or_(
        _c.state.in_([OutboxState.GAGAL.value, OutboxState.TIDAK_PASTI.value]),
        sa.and_(_c.state == OutboxState.MENGIRIM.value, _c.lease_until < now),
    )


@dataclass(frozen=True, slots=True)
class StuckMessage:
    id: int
    reference: str | None
    channel: OutboxChannel
    address: str  # masked
    state: OutboxState  # an expired claim shows as tidak_pasti
    attempts: int
    last_attempt_at: datetime | None
    created_at: datetime
    error: str  # addresses masked


@dataclass(frozen=True, slots=True)
class OutboxOverview:
    messages: list[StuckMessage]
    total_stuck: int
    queued: int
    due: int
    sending: int
    failed: int
    retrying: int = 0  # queued again after a failed attempt: not sent yet, not given up
    retry_error: str = ""  # the newest such failure's error, addresses masked


def overview(*, session: Session, now: datetime, who: audit.Actor, limit: int = PAGE_SIZE) -> OutboxOverview:
    """The messages that need a person, newest attempt first, without the address in clear; and
    how many wait in the queue (so a sender that is not running shows). Viewing is audited."""
    rows = session.execute(
        sa.select(
            _c.id,
            _c.reference,
            _c.channel,
            _c.to_address,
            _c.state,
            _c.attempts,
            _c.last_attempt_at,
            _c.created_at,
            _c.last_error,
            _c.claimed_by,
        )
        .where(_stuck(now))
        .order_by(sa.func.coalesce(_c.last_attempt_at, _c.created_at).desc(), _c.id.desc())
        .limit(limit)
    ).all()
    messages = [
        StuckMessage(
            id=r.id,
            reference=r.reference,
            channel=OutboxChannel(r.channel),
            address=mask_address(r.to_address),
            state=OutboxState.GAGAL if r.state == OutboxState.GAGAL.value else OutboxState.TIDAK_PASTI,
            attempts=r.attempts,
            last_attempt_at=r.last_attempt_at,
            created_at=r.created_at,
            error=mask_addresses_in(
                LEASE_EXPIRED + (r.claimed_by or "") if r.state == OutboxState.MENGIRIM.value else r.last_error or ""
            ),
        )
        for r in rows
    ]
    count = sa.func.count()
    total, failed, queued, due, sending = session.execute(
        sa.select(
            count.filter(_stuck(now)),
            count.filter(_c.state == OutboxState.GAGAL.value),
            count.filter(_c.state == OutboxState.ANTRE.value),
            count.filter(_c.state == OutboxState.ANTRE.value, _c.next_attempt_at <= now),
            count.filter(_c.state == OutboxState.MENGIRIM.value, _c.lease_until >= now),
        ).where(_c.state != OutboxState.TERKIRIM.value)
    ).one()
    retrying_now = sa.and_(_c.state == OutboxState.ANTRE.value, _c.attempts > 0)
    retrying = session.scalar(sa.select(sa.func.count()).where(retrying_now)) or 0
    newest_error = session.scalar(
        sa.select(_c.last_error).where(retrying_now).order_by(_c.last_attempt_at.desc()).limit(1)
    )
    audit.record(
        session=session,
        actor=who,
        action="lihat",
        object_type="outbox_message",
        object_id="",
        detail=f"bermasalah={total}",
    )
    return OutboxOverview(
        messages=messages,
        total_stuck=total,
        queued=queued,
        due=due,
        sending=sending,
        failed=failed,
        retrying=retrying,
        retry_error=mask_addresses_in(newest_error or ""),
    )


@dataclass(frozen=True, slots=True)
class Requeued:  # also the answer of confirm_delivered
    id: int
    reference: str | None
    was: OutboxState


def requeue(*, session: Session, message_id: int, now: datetime, who: audit.Actor) -> Requeued | None:
    """Back in the queue, to be sent at the next run with a fresh set of attempts, after a person
    checked (for tidak_pasti: that it did not arrive). None when the message is not stuck (any
    more): already queued, sent, or claimed by a live sender. The claim's owner is kept, so a
    sender that was only slow and still gets its answer marks it sent instead of it going twice."""
    row = session.execute(
        sa.select(_c.state, _c.reference, _c.attempts, _c.last_error).where(_c.id == message_id, _stuck(now))
    ).first()
    if row is None:
        return None
    result = session.execute(
        _table.update()
        .where(_c.id == message_id, _c.state == row.state, _stuck(now))
        .values(state=OutboxState.ANTRE.value, attempts=0, next_attempt_at=now, lease_until=None)
    )
    if rowcount(result) != 1:
        return None  # a sender or another supervisor got there first
    was = OutboxState.GAGAL if row.state == OutboxState.GAGAL.value else OutboxState.TIDAK_PASTI
    audit.record(
        session=session,
        actor=who,
        action="antrekan_lagi",
        object_type="outbox_message",
        object_id=message_id,
        detail=f"{row.reference or '-'} {was.value} setelah {row.attempts} percobaan; "
        f"{mask_addresses_in(row.last_error or '')}",
    )
    return Requeued(id=message_id, reference=row.reference, was=was)


def confirm_delivered(*, session: Session, message_id: int, now: datetime, who: audit.Actor) -> Requeued | None:
    """A tidak_pasti message that a person found did arrive (mail server log, the resident): sent,
    as of its last attempt, and off the list. None when it is not tidak_pasti (any more)."""
    uncertain = sa.and_(_c.id == message_id, _stuck(now), _c.state != OutboxState.GAGAL.value)
    row = session.execute(sa.select(_c.state, _c.reference, _c.last_attempt_at).where(uncertain)).first()
    if row is None:
        return None
    result = session.execute(
        _table.update()
        .where(_c.id == message_id, _c.state == row.state, _stuck(now))
        .values(state=OutboxState.TERKIRIM.value, sent_at=row.last_attempt_at or now, lease_until=None)
    )
    if rowcount(result) != 1:
        return None
    audit.record(
        session=session,
        actor=who,
        action="tandai_terkirim",
        object_type="outbox_message",
        object_id=message_id,
        detail=f"{row.reference or '-'} tidak_pasti",
    )
    return Requeued(id=message_id, reference=row.reference, was=OutboxState.TIDAK_PASTI)


def requeue_failed(*, session: Session, now: datetime, who: audit.Actor) -> int:
    """Every gagal message back in the queue (after the mail server is fixed), one audit event each.
    tidak_pasti messages are left alone: each needs checking on its own."""
    ids: Sequence[int] = session.scalars(
        sa.select(_c.id).where(_c.state == OutboxState.GAGAL.value).order_by(_c.id)
    ).all()
    return sum(1 for message_id in ids if requeue(session=session, message_id=message_id, now=now, who=who))
