"""How long what is kept for a browser stays usable, per kind (then it goes: store.purge_expired)."""

from __future__ import annotations

from datetime import timedelta

from portal.drafts.models import DraftKind

DRAFT_MAX_AGE = timedelta(days=2)  # a resident's complaint or help-request form, typed but not sent
UNSENT_FORM_MAX_AGE = timedelta(hours=24)  # an officer's form kept when the session ended

LIFETIMES: dict[DraftKind, timedelta] = {
    DraftKind.COMPLAINT: DRAFT_MAX_AGE,
    DraftKind.ASSISTANCE: DRAFT_MAX_AGE,
    DraftKind.UNSENT_FORM: UNSENT_FORM_MAX_AGE,
}
