"""An SMTP inbox on loopback (aiosmtpd) and the portal's settings to reach it."""

from __future__ import annotations

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
