"""A resident's text to the portal's number or WhatsApp account, answered on the same channel.

    CEK <NIK> <NAMA>        the status check's answer: the same rules, lockout and hashed log as
                            /cek-status (the client is the phone number), the same reply for an
                            unknown NIK and a wrong name
    LACAK <nomor> <kode>    the case's status and next step (the tracking page's lockout)
    BANTUAN                 how to ask for help or a visit
    STOP / MULAI            no more SMS or WhatsApp to this number / again
    anything else           an answer to "Minta informasi" when this number's case waits for one
                            (named by its reference in the text, or the only one waiting), which
                            restarts the clock; otherwise a short help text

A text is kept once (channel and the provider's id: a replayed webhook or a retried post is
ignored), without the NIK of a CEK. A number sending more than MAX_PER_HOUR texts gets no answer
to the rest (each answer is an SMS the city pays for).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import Complaint, ComplaintStatus
from portal.complaints.services.tracking import answer_information_request, track
from portal.core.errors import Locked
from portal.core.files import FileStore
from portal.core.lockout import LockoutPolicy
from portal.core.nik import normalize_nik
from portal.core.references import normalize_reference
from portal.core.workdays import WorkCalendar
from portal.notifications.models import InboundMessage, OptOut, OutboxChannel
from portal.notifications.services.notices import queue_reply
from portal.status_check.services.check import StatusAnswer, check_status

MAX_PER_HOUR = 20
_REFERENCE = re.compile(r"\b(SGP|BTN)[\s\-/]?(\d{4})[\s\-/]?(\d{1,6})\b", re.IGNORECASE)
_NIK = re.compile(r"^\d{16}$")


class Command(enum.StrEnum):
    CEK = "cek"
    LACAK = "lacak"
    BANTUAN = "bantuan"
    STOP = "stop"
    MULAI = "mulai"
    JAWABAN = "jawaban"
    LAINNYA = "lainnya"


class ReplyKind(enum.StrEnum):
    STATUS = "status"  # answer: StatusAnswer
    STATUS_NOT_FOUND = "status_not_found"
    CEK_HOW = "cek_how"  # a CEK without a 16-digit NIK and a name
    LOCKED = "locked"  # minutes
    TRACKED = "tracked"  # reference, status
    TRACK_NOT_FOUND = "track_not_found"
    LACAK_HOW = "lacak_how"
    HELP = "help"
    STOPPED = "stopped"
    RESTARTED = "restarted"
    ANSWER_RECEIVED = "answer_received"  # reference
    MENU = "menu"


@dataclass(frozen=True, slots=True)
class Incoming:
    channel: OutboxChannel
    provider_id: str
    from_number: str  # E.164
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Reply:
    kind: ReplyKind
    answer: StatusAnswer | None = None
    reference: str | None = None
    status: ComplaintStatus | None = None
    minutes: int = 0
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Received:
    command: Command
    reply: Reply | None  # None: nothing is sent back (a replay, or too many texts)
    duplicate: bool = False


def command_of(text: str) -> tuple[Command, list[str]]:
    words = text.split()
    if not words:
        return Command.LAINNYA, []
    head = words[0].upper().strip(".:,!")
    known = {"CEK": Command.CEK, "LACAK": Command.LACAK, "BANTUAN": Command.BANTUAN, "STOP": Command.STOP}
    known |= {"BERHENTI": Command.STOP, "MULAI": Command.MULAI, "START": Command.MULAI}
    return known.get(head, Command.LAINNYA), words[1:]


def _kept_text(command: Command, text: str) -> str:
    """What is stored of the text: a CEK's NIK and name never are."""
    return "CEK ****" if command is Command.CEK else text[:1600]


def _too_many(session: Session, incoming: Incoming) -> bool:
    since = incoming.at - timedelta(hours=1)
    count = session.scalar(
        sa.select(sa.func.count()).where(
            InboundMessage.from_number == incoming.from_number, InboundMessage.received_at >= since
        )
    )
    return (count or 0) > MAX_PER_HOUR


def _cek(session: Session, incoming: Incoming, words: list[str], hmac_key: str, policy: LockoutPolicy) -> Reply:
    if len(words) < 2 or not _NIK.fullmatch(normalize_nik(words[0])):
        return Reply(ReplyKind.CEK_HOW)
    try:
        answer = check_status(
            session=session,
            nik=normalize_nik(words[0]),
            name=" ".join(words[1:]),
            client=f"{incoming.channel.value}:{incoming.from_number}",
            hmac_key=hmac_key,
            policy=policy,
            now=incoming.at,
        )
    except Locked as locked:
        return Reply(ReplyKind.LOCKED, minutes=locked.minutes)
    return Reply(ReplyKind.STATUS, answer=answer) if answer.found else Reply(ReplyKind.STATUS_NOT_FOUND)


def _lacak(session: Session, incoming: Incoming, words: list[str], hmac_key: str, policy: LockoutPolicy) -> Reply:
    if len(words) < 2:
        return Reply(ReplyKind.LACAK_HOW)
    reference = normalize_reference(" ".join(words[:-1]))
    try:
        complaint = track(
            session=session,
            reference=reference,
            access_code=words[-1],
            client=f"{incoming.channel.value}:{incoming.from_number}",
            hmac_key=hmac_key,
            policy=policy,
            now=incoming.at,
        )
    except Locked as locked:
        return Reply(ReplyKind.LOCKED, minutes=locked.minutes)
    if complaint is None:
        return Reply(ReplyKind.TRACK_NOT_FOUND)
    return Reply(ReplyKind.TRACKED, reference=complaint.reference, status=complaint.status)


def waiting_case(*, session: Session, phone: str, text: str) -> Complaint | None:
    """The case this number's text answers: one waiting for information, with this phone, named
    by its reference in the text, or the only one waiting when none is named."""
    waiting = sa.select(Complaint).where(
        Complaint.phone == phone, Complaint.status == ComplaintStatus.MENUNGGU_INFORMASI
    )
    if (found := _REFERENCE.search(text)) is not None:
        reference = f"{found.group(1).upper()}-{found.group(2)}-{int(found.group(3)):06d}"
        return session.scalar(waiting.where(Complaint.reference == reference))
    cases = list(session.scalars(waiting.limit(2)))
    return cases[0] if len(cases) == 1 else None


def receive(
    *,
    session: Session,
    incoming: Incoming,
    hmac_key: str,
    policy: LockoutPolicy,
    calendar: WorkCalendar,
    store: FileStore,
    word: Callable[[Reply], str],
) -> Received:
    """Keep the text, act on it, and queue the answer (worded by `word`, the web layer's) on the
    same channel. Flushes."""
    command, words = command_of(incoming.text)
    record = InboundMessage(
        channel=incoming.channel,
        provider_id=incoming.provider_id[:128],
        from_number=incoming.from_number,
        text=_kept_text(command, incoming.text),
        command=command.value,
        received_at=incoming.at,
    )
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        return Received(command=command, reply=None, duplicate=True)
    if _too_many(session, incoming):
        return Received(command=command, reply=None)
    opted_out = session.get(OptOut, incoming.from_number) is not None
    match command:
        case Command.CEK:
            reply = _cek(session, incoming, words, hmac_key, policy)
        case Command.LACAK:
            reply = _lacak(session, incoming, words, hmac_key, policy)
        case Command.BANTUAN:
            reply = Reply(ReplyKind.HELP)
        case Command.STOP:
            if not opted_out:
                session.add(OptOut(phone=incoming.from_number, opted_out_at=incoming.at))
            reply = Reply(ReplyKind.STOPPED)
            opted_out = False  # this confirmation is the last message the number gets
        case Command.MULAI:
            if opted_out:
                session.execute(sa.delete(OptOut).where(OptOut.phone == incoming.from_number))
            reply, opted_out = Reply(ReplyKind.RESTARTED), False
        case _:
            case = waiting_case(session=session, phone=incoming.from_number, text=incoming.text)
            if case is None:
                reply = Reply(ReplyKind.MENU)
            else:
                command = Command.JAWABAN
                record.command, record.reference = command.value, case.reference
                answer_information_request(
                    session=session,
                    complaint=case,
                    message=incoming.text[:2000],
                    new_files=[],
                    store=store,
                    calendar=calendar,
                    now=incoming.at,
                )
                reply = Reply(ReplyKind.ANSWER_RECEIVED, reference=case.reference)
    session.flush()
    if opted_out:
        return Received(command=command, reply=None)
    queue_reply(
        session=session, channel=incoming.channel, to=incoming.from_number, body=word(reply), reference=reply.reference
    )
    return Received(command=command, reply=reply)
