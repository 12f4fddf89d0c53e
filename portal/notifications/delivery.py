"""What came of handing one message to a channel (e-mail, SMS, WhatsApp): the same answer from
every channel, so the outbox records them alike."""

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
    error: str = ""
    provider_id: str | None = None
    permanent: bool = False
