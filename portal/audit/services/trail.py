"""Recording who saw or changed what. Append-only: the model refuses updates and deletes."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and from where (the web layer fills this from the signed-in account)."""

    account_id: int | None
    ip: str = ""
    label: str = ""


def record(
    *, session: Session, actor: Actor, action: str, object_type: str, object_id: str | int, detail: str = ""
) -> AuditEvent:
    event = AuditEvent(
        account_id=actor.account_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip=actor.ip[:45],
        detail=detail[:500],
    )
    session.add(event)
    session.flush()
    return event


def events(
    *,
    session: Session,
    object_type: str | None = None,
    object_id: str | None = None,
    account_id: int | None = None,
    limit: int = 200,
    before_id: int | None = None,
) -> list[AuditEvent]:
    query = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if account_id:
        query = query.where(AuditEvent.account_id == account_id)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return list(session.scalars(query))
