"""What one hand-over to a channel (SMTP, Kannel, WhatsApp) came to, in the same three words for all.

SENT: the other side took the message (SMTP 250, Kannel's "0: Accepted" or "3: Queued").
NOT_SENT: the other side refused it, or nothing reached it: safe to try again or another channel.
UNCERTAIN: the request went out and its answer was lost: it may have been taken; trying again may
send it twice.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Outcome(enum.Enum):
    SENT = "sent"
    NOT_SENT = "not_sent"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True, slots=True)
class Transmission:
    outcome: Outcome
    error: str = ""  # why, for the outbox row and the log (never shown to a resident)
    provider_id: str | None = None  # the channel's own id for the message, where it gives one
