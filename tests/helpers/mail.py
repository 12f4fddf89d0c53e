"""SMTP inboxes on loopback (aiosmtpd) and the portal's settings to reach them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from email import message_from_bytes

from aiosmtpd.handlers import Message

from portal.core.mail import SmtpSettings


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def smtp_settings(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, sender="SIGAP <sigap@test.local>", timeout=3)


class SlowMailbox:
    """Accepts every message after `delay` seconds. With `hold=n`, the n-th message is received
    (the server has it) but its answer waits until `release` is set. With `meet=k`, no answer is
    given before k connections are in the middle of a message at the same time (or `hang` seconds passed)."""

    def __init__(self, *, delay: float = 0.005, hold: int | None = None, meet: int = 1, hang: float = 300) -> None:
        self.delay, self.hold, self.meet, self.hang = delay, hold, meet, hang
        self.messages: list = []
        self.holding, self.release, self.met = threading.Event(), threading.Event(), threading.Event()
        self.connections_in_data: set[int] = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content))
        self.connections_in_data.add(id(session))
        if len(self.connections_in_data) >= self.meet:
            self.met.set()
        deadline = time.monotonic() + self.hang
        while not self.met.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if self.hold is not None and len(self.messages) == self.hold:
            self.holding.set()
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        await asyncio.sleep(self.delay)
        return "250 OK"

    def references(self) -> Counter:
        return Counter(str(m["Subject"]).split(":")[0].removeprefix("Pengaduan ") for m in self.messages)
