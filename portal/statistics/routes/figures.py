"""The figures /statistik and its open data serve, and `flask stats refresh`.

A web worker never counts in the background. The task queue counts (portal.statistics.tasks:
`refresh_figures` every minute, `refresh_figures_now` when asked) and stores the figures in the
database (stats_snapshot, one row) for every web worker on every machine. Each web worker keeps
the figures in memory and, once they are older than STATS_CACHE_SECONDS, reads the stored row
again, at most once per STATS_CACHE_SECONDS; when the stored figures are stale too it asks the
queue for a recount (`enqueue`: a queue that is down only logs) and serves what it has at once.
Only a database with no snapshot at all makes a request wait for a count: the first request,
which counts inline and stores. The whole policy is in portal.statistics.services.cache.

Reading and the first count run in an app context of their own (their own database session);
storing is that context's one commit, never the request's. Only labels depend on the reader's
language, so one copy serves both languages.
"""

from __future__ import annotations

import logging
import random

import click
from flask import Flask, current_app
from flask_babel import format_datetime
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import current_session, db
from portal.statistics.routes import bp
from portal.statistics.services import snapshot as stats_snapshot
from portal.statistics.services.cache import SnapshotCache
from portal.statistics.services.tables import PublicFigures
from portal.statistics.tasks import count_figures, refresh_figures_now
from portal.tasks.queue import enqueue

CACHE = "sigap_statistics"  # app.extensions key

log = logging.getLogger("portal")


def _load(app: Flask) -> PublicFigures | None:
    with app.app_context():
        return stats_snapshot.load(session=current_session())


def _count(app: Flask, keep: bool) -> PublicFigures:
    """Count now, and when `keep`, store the figures (one commit). Returns the newest stored
    figures: these, or those of a count that started later elsewhere. A failed store still
    returns what was counted (this worker serves it; the queue's next refresh stores again)."""
    with app.app_context():
        public = count_figures()
        if not keep:
            return public
        try:
            stored = stats_snapshot.store(session=current_session(), public=public)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("statistics snapshot not stored")
            return public
        return public if stored else stats_snapshot.load(session=current_session()) or public


def _ask_refresh() -> bool:
    return enqueue(refresh_figures_now)


def _this_app() -> Flask:
    """The app itself, not the proxy: the cache outlives the request."""
    return current_app._get_current_object()  # type: ignore[attr-defined]  # flask types the proxy as Flask


def figures_cache() -> SnapshotCache[PublicFigures]:
    app = _this_app()
    if CACHE not in app.extensions:
        seconds = app.config["STATS_CACHE_SECONDS"]
        app.extensions.setdefault(
            CACHE,
            SnapshotCache(  # setdefault: two first requests keep one cache
                seconds,
                load=lambda: _load(app),
                count=lambda keep: _count(app, keep),
                ask_refresh=_ask_refresh,
                spread=random.uniform(0, min(5.0, seconds / 10)),  # noqa: S311 (not a secret: workers take turns)
            ),
        )
    return app.extensions[CACHE]


def current_figures() -> PublicFigures:
    return figures_cache().get()


bp.cli.help = "Statistik publik (/statistik)."


@bp.cli.command("refresh")
def refresh_command() -> None:
    """Count the public figures now and store them for every worker (e.g. after a roster import)."""
    public = count_figures()
    stored = stats_snapshot.store(session=current_session(), public=public)
    db.session.commit()
    moment = format_datetime(public.computed_at, "d MMMM y, HH.mm.ss")
    if stored:
        click.echo(f"Statistik dihitung pada {moment} WIB dan disimpan untuk semua proses server.")
    else:
        click.echo(f"Statistik dihitung pada {moment} WIB; yang tersimpan dihitung lebih baru, jadi tetap dipakai.")
