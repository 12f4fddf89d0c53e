"""How long what is kept for a browser stays usable (and then goes: portal.complaints' purge)."""

from __future__ import annotations

from datetime import timedelta

DRAFT_MAX_AGE = timedelta(days=2)  # a resident's complaint or help-request form, typed but not sent
UNSENT_FORM_MAX_AGE = timedelta(hours=24)  # an officer's form kept when the session ended
