"""The SIGAP portal application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import flask_config, read_settings
from portal.extensions import babel, csrf, db, limiter, migrate
from portal.web.i18n import install_template_gettext, select_locale
from portal.web.methods import OnlyPostCarriesAForm


def _tune_sqlite(app: Flask) -> None:
    """WAL and a busy timeout let two gunicorn workers share the SQLite file."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    settings = read_settings(Path(app.instance_path), config)
    app.config.update(flask_config(settings, config))
    app.extensions["sigap_settings"] = settings  # what portal.web.settings hands out
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # Replacing app.wsgi_app is Flask's documented way to add WSGI middleware (mypy: a method).
    app.wsgi_app = OnlyPostCarriesAForm(app.wsgi_app)  # type: ignore[method-assign]
    if app.config["PROXY_FIX_X_FOR"]:
        proxied = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)
        app.wsgi_app = proxied  # type: ignore[method-assign]

    from portal.core import hashing

    hashing.use_profile(app.config["HASH_PROFILE"])
    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    limiter.init_app(app)

    from portal.web import auth, errors, security, static_files, templating

    auth.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    static_files.init_app(app)
    templating.init_app(app)

    from portal.notifications import renderer

    renderer.init_app(app)  # residents' e-mails are written from templates (docs/architecture.md)

    from portal.assistance.routes import bp as assistance_bp
    from portal.complaints.routes import bp as complaints_bp
    from portal.home.routes import bp as home_bp
    from portal.inbound.routes import bp as inbound_bp
    from portal.letters.routes import bp as letters_bp
    from portal.officers import bp as officers_bp
    from portal.statistics.routes import bp as statistics_bp
    from portal.status_check.routes import bp as status_check_bp

    for blueprint in (
        home_bp,
        status_check_bp,
        complaints_bp,
        assistance_bp,
        letters_bp,
        statistics_bp,
        officers_bp,
        inbound_bp,
    ):
        app.register_blueprint(blueprint)

    from portal import background, cli

    background.init_app(app)
    cli.init_app(app)
    logging.getLogger("portal").setLevel(logging.INFO)
    return app
