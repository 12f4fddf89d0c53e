"""The public figures, counted on the task queue every minute and stored for every web worker
(stats_snapshot, one row), so that no web worker counts while serving /statistik.

A web worker that finds the stored figures stale asks for `refresh_figures_now` (at most once
per STATS_CACHE_SECONDS per worker: portal.statistics.services.cache), so several may be queued
at once: each first reads the stored figures and counts only when they are older than half of
STATS_CACHE_SECONDS, so the first run counts and the others only read one row."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from portal.core.base import utcnow
from portal.core.workdays import local_date
from portal.extensions import current_session
from portal.statistics.services import snapshot as stats_snapshot
from portal.statistics.services.figures import compute_figures
from portal.statistics.services.tables import PublicFigures, build_tables
from portal.tasks.queue import periodic_task, task
from portal.web.settings import program_rules, work_calendar


def count_figures() -> PublicFigures:
    rules, now = program_rules(), utcnow()
    figures = compute_figures(
        session=current_session(),
        quota=rules.PROGRAM_QUOTA,
        budget=rules.PROGRAM_BUDGET,
        budget_year=rules.PROGRAM_BUDGET_YEAR or local_date(now).year,
        now=now,
        calendar=work_calendar(),
    )
    return build_tables(figures)


def _recount_if_stale() -> None:
    stored = stats_snapshot.load(session=current_session())
    age = (utcnow() - stored.computed_at).total_seconds() if stored is not None else None
    if age is not None and age < current_app.config["STATS_CACHE_SECONDS"] / 2:
        return  # another consumer (or `flask statistik refresh`) counted moments ago
    stats_snapshot.store(session=current_session(), public=count_figures())


@periodic_task(crontab(minute="*"), priority=5)
def refresh_figures() -> None:
    _recount_if_stale()


@task(priority=5)
def refresh_figures_now() -> None:
    """Asked for by a web worker that found the stored figures stale."""
    _recount_if_stale()
