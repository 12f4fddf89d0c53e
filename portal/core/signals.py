"""Events one domain announces and others act on, so that the lower domain need not know the
higher one (blinker, which Flask itself uses for its signals)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent by a roster import (portal.roster) in its transaction, with `session=`, after people's
# statuses changed. Receivers return how many things they changed (letters revoked: portal.letters).
roster_statuses_changed = _signals.signal("roster-statuses-changed")
