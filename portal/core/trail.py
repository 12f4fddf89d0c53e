"""The audit trail every domain writes: who saw or changed what, when, from where; and who wrote
a line of a case's timeline (ActedBy, stored by ActorColumns as a kind and an account).

Append-only: the model refuses updates and deletes. Reading it is the audit domain's (portal.audit)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import conv

from portal.core.base import Base, UTCDateTime, str_enum, utcnow


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
def _refuse_changes(_mapper: Any, _connection: Any, _target: Any) -> None:
    raise AuditIsAppendOnly("audit events cannot be changed or deleted")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and from where (the web layer fills this from the signed-in account)."""

    account_id: int | None
    ip: str = ""


class ActorKind(enum.StrEnum):
    OFFICER = "officer"  # a staff account (its name is read when the line is shown)
    RESIDENT = "resident"  # the resident, through the public pages
    SYSTEM = "system"  # the portal itself (e.g. a file it refused)
    DEMO = "demo"  # `flask demo seed`


@dataclass(frozen=True, slots=True)
class ActedBy:
    """Who wrote a timeline line: a kind, and for an officer (only) the account."""

    kind: ActorKind
    officer_id: int | None = None

    def __post_init__(self) -> None:
        if (self.kind is ActorKind.OFFICER) != (self.officer_id is not None):
            raise ValueError("an officer's line names the account, and no other line does")

    @classmethod
    def officer(cls, account_id: int) -> ActedBy:
        return cls(ActorKind.OFFICER, account_id)


RESIDENT = ActedBy(ActorKind.RESIDENT)
SYSTEM = ActedBy(ActorKind.SYSTEM)
DEMO = ActedBy(ActorKind.DEMO)


class ActorColumns:
    """A timeline table's author: actor_kind, and actor_officer_id for (and only for) an officer;
    the table adds `actor_check` to its __table_args__."""

    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))

    @property
    def acted_by(self) -> ActedBy:
        return ActedBy(self.actor_kind, self.actor_officer_id)

    @acted_by.setter
    def acted_by(self, value: ActedBy) -> None:
        self.actor_kind = value.kind
        self.actor_officer_id = value.officer_id


def actor_check(table: str) -> sa.CheckConstraint:
    """Officer rows have the account, other rows none (named as migration 0013 names it)."""
    return sa.CheckConstraint(
        "(actor_kind = 'officer' AND actor_officer_id IS NOT NULL) "
        "OR (actor_kind <> 'officer' AND actor_officer_id IS NULL)",
        name=conv(f"ck_{table}_actor_officer"),
    )


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
