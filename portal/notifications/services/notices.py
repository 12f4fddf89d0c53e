"""One notice to a resident, on the channel they can be reached by, with the others behind it.

A service that has something to tell a resident (a case filed, a question, a decision …) calls
`queue_notice` with the event, the reference and how the resident can be reached. The notice is
written at once, in the caller's transaction, as one outbox row per channel it may take, in the
order they are tried (`route`): the resident's preferred channel first, then WhatsApp, SMS and
e-mail, leaving out a channel that is not configured, that has no address, or that the number
opted out of (STOP). The first row is queued; the others wait as cadangan until the ones before
fail (portal.notifications.services.outbox.fall_back). The answer says where it went first, or
that it had nowhere to go, so no page says "terkirim" for a message that cannot leave; and
`unreachable` says why it has nowhere to go (no address, STOP, or a channel this server lacks).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.notifications.models import NoticeEvent, OptOut, OutboxChannel, OutboxMessage, OutboxState

FALLBACK_ORDER = (OutboxChannel.WHATSAPP, OutboxChannel.SMS, OutboxChannel.EMAIL)


@dataclass(frozen=True, slots=True)
class Recipient:
    phone: str | None = None  # E.164
    email: str | None = None
    prefers: OutboxChannel | None = None  # the channel the resident chose on the form


@dataclass(frozen=True, slots=True)
class Words:
    """A notice as one channel carries it."""

    subject: str  # e-mail only
    body: str  # the text of an e-mail or SMS; for WhatsApp, what the template says (for staff)
    parameters: Sequence[str] = ()  # WhatsApp: the template's {{1}}, {{2}} …


class NoticeRenderer(Protocol):
    """The words of a notice (portal.notifications.renderer; services only name the event)."""

    def __call__(self, event: NoticeEvent, channel: OutboxChannel, context: Mapping[str, object]) -> Words: ...


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    available: frozenset[OutboxChannel] = frozenset({OutboxChannel.EMAIL})
    whatsapp_templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Hooks:
    renderer: NoticeRenderer | None = None
    settings: Callable[[], ChannelSettings] = ChannelSettings


_hooks = _Hooks()


def use_channels(*, renderer: NoticeRenderer, settings: Callable[[], ChannelSettings]) -> None:
    """Set by create_app (portal.notifications.renderer.init_app): the words, and which channels
    the running app's settings switch on (read at each call: the same hooks serve every app)."""
    _hooks.renderer = renderer
    _hooks.settings = settings


def available_channels() -> frozenset[OutboxChannel]:
    return _hooks.settings().available


def opted_out(*, session: Session, phone: str) -> bool:
    return session.get(OptOut, phone) is not None


def route(*, session: Session, recipient: Recipient) -> list[tuple[OutboxChannel, str]]:
    """The channels to try, in order, each with its address."""
    available = _hooks.settings().available
    order = list(FALLBACK_ORDER)
    if recipient.prefers in order:
        order.remove(recipient.prefers)
        order.insert(0, recipient.prefers)
    phone_ok = bool(recipient.phone) and not opted_out(session=session, phone=recipient.phone or "")
    addresses = {
        OutboxChannel.WHATSAPP: recipient.phone if phone_ok else None,
        OutboxChannel.SMS: recipient.phone if phone_ok else None,
        OutboxChannel.EMAIL: recipient.email or None,
    }
    return [
        (channel, address) for channel in order if channel in available and (address := addresses[channel]) is not None
    ]


class Unreachable(enum.StrEnum):
    """Why `route` finds no channel for a resident."""

    NO_ADDRESS = "no_address"  # no number and no e-mail
    STOPPED = "stopped"  # the number replied STOP, and no e-mail goes out instead
    PHONE_NOT_SET_UP = "phone_not_set_up"  # a number, but neither SMS nor WhatsApp runs on this server
    EMAIL_NOT_SET_UP = "email_not_set_up"  # only an e-mail address, and e-mail does not run here


def unreachable(*, session: Session, recipient: Recipient) -> Unreachable | None:
    """Why no message can reach this resident, or None when `route` finds a channel."""
    if route(session=session, recipient=recipient):
        return None
    if recipient.phone and opted_out(session=session, phone=recipient.phone):
        return Unreachable.STOPPED
    if recipient.phone:
        return Unreachable.PHONE_NOT_SET_UP
    if recipient.email:
        return Unreachable.EMAIL_NOT_SET_UP
    return Unreachable.NO_ADDRESS


@dataclass(frozen=True, slots=True)
class Queued:
    first: OutboxChannel | None  # None: the resident cannot be reached by any channel
    channels: tuple[OutboxChannel, ...] = ()


def queue_notice(
    *,
    session: Session,
    event: NoticeEvent,
    reference: str | None,
    recipient: Recipient,
    context: Mapping[str, object],
) -> Queued:
    """Write the notice for every channel of its route (see the module). Flushes."""
    renderer = _hooks.renderer
    if renderer is None:
        raise RuntimeError("no notice renderer: create_app sets one (portal.notifications.renderer)")
    templates = _hooks.settings().whatsapp_templates
    channels = route(session=session, recipient=recipient)
    first_id: int | None = None
    for position, (channel, address) in enumerate(channels):
        words = renderer(event, channel, context)
        message = OutboxMessage(
            reference=reference,
            channel=channel,
            to_address=address,
            subject=words.subject[:200],
            body=words.body,
            event=event,
            notice_id=first_id,
            route_position=position,
            template=templates.get(event.value) if channel is OutboxChannel.WHATSAPP else None,
            parameters=list(words.parameters),
            state=OutboxState.ANTRE if position == 0 else OutboxState.CADANGAN,
        )
        session.add(message)
        session.flush()
        if first_id is None:
            first_id = message.id
            message.notice_id = first_id
    session.flush()
    return Queued(first=channels[0][0] if channels else None, channels=tuple(c for c, _ in channels))


@dataclass(frozen=True, slots=True)
class NoticeState:
    """How the newest notice about a reference fared, for the officer's page."""

    channel: OutboxChannel | None  # the channel that carried it, or is trying
    state: OutboxState | None
    error: str = ""
    every_channel_failed: bool = False


def notice_rows(*, session: Session, reference: str) -> list[OutboxMessage]:
    """Every message about a reference, newest notice first, each notice's channels in order."""
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.reference == reference)
            .order_by(sa.func.coalesce(OutboxMessage.notice_id, OutboxMessage.id).desc(), OutboxMessage.route_position)
        )
    )


def queue_reply(*, session: Session, channel: OutboxChannel, to: str, body: str, reference: str | None = None) -> None:
    """The answer to a text a resident sent, on the channel it came by and no other (a reply to
    STOP included: the last message that number gets). WhatsApp sends it as free text, allowed
    within 24 hours of the resident's own message. Flushes."""
    message = OutboxMessage(
        reference=reference,
        channel=channel,
        to_address=to,
        subject="",
        body=body,
        event=NoticeEvent.BALASAN_PERINTAH,
        parameters=[],
        state=OutboxState.ANTRE,
    )
    session.add(message)
    session.flush()
    message.notice_id = message.id
    session.flush()
