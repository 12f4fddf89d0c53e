"""Fixtures: an app per test on SQLite and (with TEST_DATABASE_URL) PostgreSQL.

Schemas come from the migrations once per backend and session; each test then starts from
empty tables (deleted after the test), because Flask-SQLAlchemy 3.1 with SQLAlchemy 2.1 does not
honour binding its session to an outer test transaction.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from portal import create_app
from portal.extensions import db
from portal.models import Base
from tests.clock import configured_now, running_at

PG_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
_SKIPS_THAT_FAIL_CI = ("PostgreSQL", "Chromium", "Redis", "nginx")


_ci_skips: list[str] = []


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


def _migrate(url: str, instance: Path) -> None:
    """Build the schema the way production does: flask db upgrade on an empty database."""
    from flask_migrate import upgrade

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app(_test_config(url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _test_config(url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "NIK_HMAC_KEY": "test-nik-hmac-key",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": False,
        "SERVER_NAME": None,
    }


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
        _migrate(url, folder)
        database_urls[backend] = url
    return database_urls[backend]


def _empty_tables() -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def app_config() -> dict:
    """Override per test module to change settings (e.g. rate limits)."""
    return {}


class PortalClient(FlaskClient):
    """Each request gets its own app context (and so its own `g` and database session), as in
    production, even though the test itself holds one open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's session sees what the request committed
        return response


@pytest.fixture
def app(database_url, app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("SIGAP_ENV", "testing")
    app = create_app({**_test_config(database_url, tmp_path), **app_config})
    app.test_client_class = PortalClient
    with app.app_context():
        _empty_tables()
        try:
            yield app
        finally:
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    return db.session


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client, path: str = "/cek-status") -> str:
    page = parse(client.get(path))
    field = page.select_one("input[name=csrf_token]")
    assert field is not None, f"no CSRF field on {path}"
    return field["value"]
