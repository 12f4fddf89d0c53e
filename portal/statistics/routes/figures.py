"""The figures /statistik and its open data serve, and `flask stats refresh`.

Each worker keeps the figures in memory; a worker that starts takes the last figures any worker
counted from the database (stats_snapshot, one row), so only a new database ever makes a request
wait for the count. Figures older than STATS_CACHE_SECONDS are served while one background
thread of that worker counts again and stores the new ones (the whole policy is in
portal.statistics.services.cache). Loading and counting run in an app context of their own (their own
database session), also when a background thread does it; storing is that context's one commit.
Only labels depend on the reader's language, so one copy serves both languages.
"""

from __future__ import annotations

import logging
import random
import threading

import click
from flask import Flask, current_app
from flask_babel import format_datetime
from sqlalchemy.exc import SQLAlchemyError

from portal.core.base import utcnow
from portal.core.workdays import local_date
from portal.extensions import current_session, db
from portal.statistics.routes import bp
from portal.statistics.services import snapshot as stats_snapshot
from portal.statistics.services.cache import SnapshotCache
from portal.statistics.services.figures import compute_figures
from portal.statistics.services.tables import PublicFigures, build_tables
from portal.web.settings import work_calendar

CACHE = "sigap_statistics"  # app.extensions key

log = logging.getLogger("portal")


def _in_background(work) -> None:
    threading.Thread(target=work, name="sigap-statistik", daemon=True).start()


def _count(app: Flask) -> PublicFigures:
    """Count now, with the current app context's session (read only)."""
    config, now = app.config, utcnow()
    figures = compute_figures(
        session=current_session(),
        quota=config["PROGRAM_QUOTA"],
        budget=config["PROGRAM_BUDGET"],
        budget_year=config["PROGRAM_BUDGET_YEAR"] or local_date(now).year,
        now=now,
        calendar=work_calendar(),
    )
    return build_tables(figures)


def _load(app: Flask) -> PublicFigures | None:
    with app.app_context():
        return stats_snapshot.load(session=current_session())


def _recount(app: Flask, keep: bool) -> PublicFigures:
    """Count, and when `keep`, store the figures (one commit). Returns the newest stored figures:
    these, or those of a count that started later in another worker. A failed store still
    returns what was counted (this worker serves it; the next refresh stores again)."""
    with app.app_context():
        public = _count(app)
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


def _this_app() -> Flask:
    """The app itself, not the proxy: the recount thread outlives the request."""
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
                recount=lambda keep: _recount(app, keep),
                spawn=_in_background,
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
    public = _count(_this_app())
    stored = stats_snapshot.store(session=current_session(), public=public)
    db.session.commit()
    moment = format_datetime(public.computed_at, "d MMMM y, HH.mm.ss")
    if stored:
        click.echo(f"Statistik dihitung pada {moment} WIB dan disimpan untuk semua proses server.")
    else:
        click.echo(f"Statistik dihitung pada {moment} WIB; yang tersimpan dihitung lebih baru, jadi tetap dipakai.")
