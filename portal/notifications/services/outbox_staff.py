"""The outbox as staff see it at /petugas/email-bermasalah: the messages that need a person
(gagal, tidak_pasti), without addresses in clear, and putting them back in the queue (audited)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core import trail as audit
from portal.core.sql import rowcount
from portal.notifications.models import OutboxChannel, OutboxState
from portal.notifications.services.outbox import LEASE_EXPIRED, table
from portal.notifications.services.outbox import MAX_ATTEMPTS as MAX_ATTEMPTS
from portal.notifications.services.outbox import columns as _c
from portal.notifications.services.outbox import table as _table

PAGE_SIZE = 200

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


_other = table.alias("other_channel")
_CARRIED = [s.value for s in (OutboxState.ANTRE, OutboxState.MENGIRIM, OutboxState.TERKIRIM, OutboxState.SAMPAI)]


def _stuck(now: datetime) -> sa.ColumnElement[bool]:
    """gagal, tidak_pasti, and a claim whose lease ran out that no sender has marked yet. A
    channel that failed while another channel of the same notice carries it needs nobody."""
    carried_on = (
        sa.select(_other.c.id)
        .where(_other.c.notice_id == _c.notice_id, _other.c.id != _c.id, _other.c.state.in_(_CARRIED))
        .exists()
    )
    return sa.or_(
        sa.and_(_c.state == OutboxState.GAGAL.value, ~carried_on),
        _c.state == OutboxState.TIDAK_PASTI.value,
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
