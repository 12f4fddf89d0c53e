"""Fixtures: an app per test on SQLite and (with TEST_DATABASE_URL) PostgreSQL.

Schemas come from the migrations once per backend and session. Each test starts from empty
tables and leaves them empty: one query finds the tables (and PostgreSQL sequences) that are not
empty any more, and only those are emptied, by DELETE in foreign-key order (PostgreSQL's TRUNCATE
costs tens of milliseconds a table, empty or not, so it is kept for tables left with many rows).
Not an outer transaction rolled back after each test: Flask-SQLAlchemy 3.1 with SQLAlchemy 2.1
does not honour binding its session to one, and many tests write from connections no test
transaction could hold (gunicorn and CLI subprocesses, background threads, concurrency tests).

The app is built once and handed to the next test that asks for the same settings, as long as
nothing could tell it from a new one: no other app was created since (create_app re-initialises
the shared extensions, e.g. the rate limiter), and its configuration, routes, hooks and
extensions are as they were built. Otherwise (or under `@pytest.mark.own_app`) it is built again.
A reused app gets what a new one has: empty rate-limit counters, no statistics cache, empty file
folders. `pytest --reverse` runs the tests backwards to show that none needs another's leftovers.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from portal import create_app
from portal.config import load_config
from portal.extensions import db, limiter
from portal.models import Base
from portal.tasks.queue import configure as configure_queue
from tests.clock import configured_now, running_at
from tests.helpers import PortalClient, app_settings, migrate

PG_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
_SKIPS_THAT_FAIL_CI = ("PostgreSQL", "Chromium", "Redis", "nginx", "Kannel")
_MANY_ROWS = 1000  # more rows than this in a table left by a test: TRUNCATE beats DELETE


_ci_skips: list[str] = []


def pytest_addoption(parser):
    parser.addoption("--reverse", action="store_true", help="run the tests in reverse order")


def pytest_configure(config):
    config.addinivalue_line("markers", "own_app: the test changes its app's setup (routes, hooks): never reused")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if config.getoption("--reverse"):
        items.reverse()


@pytest.fixture(scope="session", autouse=True)
def _session_clock():
    """The whole run on the test calendar: `SIGAP_TEST_NOW` when the session starts, ticking."""
    with running_at(configured_now()):
        yield


@pytest.fixture(autouse=True)
def _clock(request):
    """A test with `@pytest.mark.clock(...)` runs at that moment; the others go on with the
    session's clock (it never runs backwards under what session fixtures signed or stored)."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield
        return
    with running_at(datetime.fromisoformat(marker.args[0])):
        yield


def pytest_runtest_logreport(report):
    if report.skipped and IN_CI:
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if any(word in reason for word in _SKIPS_THAT_FAIL_CI):
            _ci_skips.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true, a skipped PostgreSQL or Chromium test fails the run."""
    skips = _ci_skips
    if IN_CI and skips:
        print(f"\nCI=true but {len(skips)} PostgreSQL/Chromium test(s) were skipped:")
        for line in skips[:20]:
            print("  ", line)
        session.exitstatus = 1


def _postgres_url() -> str:
    url = PG_URL or ""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@pytest.fixture(scope="session")
def database_urls() -> dict[str, str]:
    return {}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory, database_urls) -> str:
    backend = request.param
    if backend == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL not configured: set TEST_DATABASE_URL")
    if backend not in database_urls:
        folder = tmp_path_factory.mktemp(f"db-{backend}")
        url = f"sqlite:///{folder / 'test.sqlite3'}" if backend == "sqlite" else _postgres_url()
        migrate(url, folder)
        database_urls[backend] = url
    return database_urls[backend]


@pytest.fixture(scope="session")
def _files(database_url, tmp_path_factory) -> Path:
    """Where the apps on `database_url` keep files (emptied around each test)."""
    return tmp_path_factory.mktemp("files")


def _row_counts(conn: sa.Connection) -> dict[str, int]:
    """Rows in each table, counted up to _MANY_ROWS + 1, in one query."""
    counts = [
        sa.select(
            sa.literal(table.name),
            sa.select(sa.func.count())
            .select_from(sa.select(sa.literal(1)).select_from(table).limit(_MANY_ROWS + 1).subquery())
            .scalar_subquery(),
        )
        for table in Base.metadata.sorted_tables
    ]
    return dict(conn.execute(sa.union_all(*counts)).all())


def _empty_tables() -> None:
    """Every table empty, every PostgreSQL sequence where it started (so ids begin at 1 again)."""
    with db.engine.begin() as conn:
        counts = _row_counts(conn)
        written = [table for table in Base.metadata.sorted_tables if counts[table.name]]
        if conn.dialect.name == "postgresql" and any(counts[table.name] > _MANY_ROWS for table in written):
            names = ", ".join(table.name for table in written)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            written = []
        for table in reversed(written):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text(
                    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
                    "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            )


def _empty_folders(folder: Path) -> None:
    for entry in folder.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _setup(app: Flask) -> tuple:
    """What a test could change in an app that a new one would not have."""
    return (
        limiter.limiter,  # replaced by every create_app, which also resets other shared state
        limiter.enabled,
        dict(app.config),
        dict(app.extensions),
        dict(app.view_functions),
        sorted((rule.rule, rule.endpoint, tuple(sorted(rule.methods or ()))) for rule in app.url_map.iter_rules()),
        *(
            {key: list(functions) for key, functions in hooks.items()}
            for hooks in (
                app.before_request_funcs,
                app.after_request_funcs,
                app.teardown_request_funcs,
                app.template_context_processors,
                app.url_value_preprocessors,
                app.url_default_functions,
            )
        ),
        list(app.teardown_appcontext_funcs),
        {
            key: {code: dict(handlers) for code, handlers in spec.items()}
            for key, spec in app.error_handler_spec.items()
        },
        dict(app.jinja_env.globals),
        dict(app.jinja_env.filters),
        app.session_interface,
        app.json,
    )


@dataclass
class _Built:
    app: Flask
    settings: dict
    setup: tuple


_built: dict[str, _Built] = {}  # per database URL, the last app built, for the next test like it
_counts = {"built": 0, "reused": 0}


def _app_for(database_url: str, overrides: dict, *, own: bool) -> Flask:
    built = _built.pop(database_url, None)
    if built is not None and not own:
        settings = load_config(Path(built.app.instance_path), overrides)
        if settings == built.settings and _setup(built.app) == built.setup:
            limiter.reset()
            _built[database_url] = built
            _counts["reused"] += 1
            return built.app
    app = create_app(overrides)
    app.test_client_class = PortalClient
    _counts["built"] += 1
    if not own:
        settings = load_config(Path(app.instance_path), overrides)
        _built[database_url] = _Built(app, settings, _setup(app))
    return app


def _forget_changes(app: Flask, database_url: str) -> None:
    """Drop what the test added to app.extensions (e.g. the statistics cache), so that the
    comparison before the next test sees only what a new app would not have."""
    built = _built.get(database_url)
    if built is None or built.app is not app:
        return
    for key in set(app.extensions) - set(built.setup[3]):
        del app.extensions[key]


def pytest_terminal_summary(terminalreporter):
    if sum(_counts.values()):
        terminalreporter.write_line(f"test apps: {_counts['built']} built, {_counts['reused']} reused")


@pytest.fixture
def app_config() -> dict:
    """Override per test module to change settings (e.g. rate limits)."""
    return {}


@pytest.fixture
def app(request, database_url, app_config, _files, monkeypatch):
    monkeypatch.setenv("SIGAP_ENV", "testing")
    own = request.node.get_closest_marker("own_app") is not None
    app = _app_for(database_url, {**app_settings(database_url, _files), **app_config}, own=own)
    configure_queue(app)  # the queue is one per process: point it at this test's app (reused or not)
    with app.app_context():
        _empty_tables()
        _empty_folders(_files)
        try:
            yield app
        finally:
            db.session.remove()
            _empty_tables()
            _empty_folders(_files)
            db.engine.dispose()
            _forget_changes(app, database_url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    return db.session
