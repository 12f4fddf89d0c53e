"""How long a resident who hit a sending limit must wait, in words ("sekitar 50 menit"), not
as a number of seconds in a header nobody reads."""

from __future__ import annotations

import time

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.extensions import limiter


def wait_in_words(seconds: int) -> str:
    if seconds < 60:
        return _("kurang dari 1 menit")
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return ngettext("sekitar %(num)d menit", "sekitar %(num)d menit", minutes)
    hours = round(minutes / 60)
    return ngettext("sekitar %(num)d jam", "sekitar %(num)d jam", hours)


def seconds_until_the_limit_resets() -> int | None:
    """The limit this request ran into (Flask-Limiter's public `current_limit`), if any."""
    limit = limiter.current_limit
    if limit is None or not limit.breached:
        return None
    return max(0, limit.reset_at - int(time.time()))


def wait_for_the_limit() -> str | None:
    seconds = seconds_until_the_limit_resets()
    return None if seconds is None else wait_in_words(seconds)
