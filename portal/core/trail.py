"""The audit trail every domain writes: who saw or changed what, when, from where.

Append-only: the model refuses updates and deletes. Reading it is the audit domain's (portal.audit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from portal.core.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(50))
    object_type: Mapped[str] = mapped_column(sa.String(30))
    object_id: Mapped[str] = mapped_column(sa.String(40))
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    detail: Mapped[str] = mapped_column(sa.String(500), default="")


class AuditIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(_mapper: Mapper[AuditEvent], _connection: sa.Connection, _target: AuditEvent) -> None:
    raise AuditIsAppendOnly("audit events cannot be changed or deleted")


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
