"""The audit trail every domain writes: who saw or changed what, when, from where; and who wrote
a line of a case's timeline (ActedBy, stored by ActorColumns as a kind and an account).

Append-only: the model refuses updates and deletes. Reading it is the audit domain's (portal.audit).

Tamper-evident: every row is a link of one hash chain. `record` is the only writer. It first
moves the chain's head (the single row of `audit_chain_head`: its position and the last row's
hash) forward with an UPDATE, which locks that row on PostgreSQL and takes the database's write
lock on SQLite until the transaction ends; so two transactions appending at once are put in a
line, each row gets the next position (`chain_seq`, gap-free among committed rows since a rolled
back append rolls the head back too) and `row_hash` = SHA-256 of the previous row's hash and
this row's fields (`link_hash`). `flask audit verify` walks the chain and names the first link
that does not hold: a row changed, removed or inserted, or the newest rows cut off (the head
still names them)."""

from __future__ import annotations

import enum
import getpass
import hashlib
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import conv

from portal.core.base import Base, UTCDateTime, str_enum, utcnow
from portal.core.sql import table_of


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
    # the roster person whose data the action showed or changed, when the object is not the person
    # itself (a case page shows its subject): the trail of a person finds these rows too
    person_id: Mapped[int | None] = mapped_column(index=True)
    chain_seq: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    row_hash: Mapped[str] = mapped_column(sa.String(64))


class AuditChainHead(Base):
    """The newest link of the chain: its position and hash (one row, id 1, made by migration 0020)."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name=conv("ck_audit_chain_head_single_row")),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default="")


GENESIS = "0" * 64
"""The "previous hash" of the first link."""


def _canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link_hash(
    *,
    previous: str,
    seq: int,
    at: datetime,
    account_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    person_id: int | None,
    ip: str,
    detail: str,
) -> str:
    """The hash of one link: the previous link's hash and every stored field of this row
    (fields separated by the unit separator, which no field holds: `record` removes it)."""
    fields = (
        previous,
        str(seq),
        _canonical_time(at),
        "" if account_id is None else str(account_id),
        action,
        object_type,
        object_id,
        "" if person_id is None else str(person_id),
        ip,
        detail,
    )
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def hash_of(event: AuditEvent, *, previous: str) -> str:
    """What `row_hash` of a stored row must be, given the previous link's hash."""
    return link_hash(
        previous=previous,
        seq=event.chain_seq,
        at=event.at,
        account_id=event.account_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        person_id=event.person_id,
        ip=event.ip,
        detail=event.detail,
    )


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


def via_command_line() -> str:
    """ "CLI user@host": the operating-system account and machine that ran a command (an audit
    row of a command has no account; this goes into its detail)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"CLI {user}@{socket.gethostname()}"[:80]


def described(values: dict[str, object]) -> str:
    """ "key=value key=value" of the values that are set (a detail naming a list's filters)."""
    return " ".join(f"{key}={value}" for key, value in values.items() if value not in (None, "", False, 0))


OUT_OF_SCOPE = "ditolak_di_luar_wilayah"
"""The action of an attempt refused as outside the officer's scope (answered 404)."""

COMMAND_LINE = Actor(account_id=None, ip="")
"""The actor of a `flask` command (who ran it: `via_command_line()` in the row's detail)."""


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


def _clean(text: str, limit: int) -> str:
    return text.replace("\x1f", " ")[:limit]


def record(
    *,
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int,
    detail: str = "",
    person_id: int | None = None,
) -> AuditEvent:
    """Append one row to the trail, as the next link of the chain (see the module's docstring).
    The head's row stays locked until the caller's transaction ends: commit soon after."""
    head = table_of(AuditChainHead)
    moved = session.execute(
        head.update().where(head.c.id == 1).values(seq=head.c.seq + 1).returning(head.c.seq, head.c.last_hash)
    ).one_or_none()
    if moved is None:  # a database made without migration 0020 (tests build the schema from the models)
        session.execute(head.insert().values(id=1, seq=1, last_hash=GENESIS))
        seq, previous = 1, GENESIS
    else:
        seq, previous = moved.seq, moved.last_hash or GENESIS
    event = AuditEvent(
        at=utcnow(),
        account_id=actor.account_id,
        action=_clean(action, 50),
        object_type=_clean(object_type, 30),
        object_id=_clean(str(object_id), 40),
        person_id=person_id,
        ip=_clean(actor.ip, 45),
        detail=_clean(detail, 500),
        chain_seq=seq,
    )
    event.row_hash = hash_of(event, previous=previous)
    session.add(event)
    session.execute(head.update().where(head.c.id == 1).values(last_hash=event.row_hash))
    session.flush()
    return event
