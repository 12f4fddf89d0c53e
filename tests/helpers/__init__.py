"""Helpers shared by test modules: import them from here (fixtures stay in conftest.py)."""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.extensions import db

T = TypeVar("T")


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client, path: str = "/cek-status") -> str:
    page = parse(client.get(path))
    field = page.select_one("input[name=csrf_token]")
    assert field is not None, f"no CSRF field on {path}"
    return field["value"]


class PortalClient(FlaskClient):
    """Each request gets its own app context (and so its own `g` and database session), as in
    production, even though the test itself holds one open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's session sees what the request committed
        return response


def app_settings(url: str, instance: Path) -> dict:
    """The settings of a test app on `url`; the files it writes go under `instance`."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "NIK_HMAC_KEY": "test-nik-hmac-key",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",  # the default, given as production requires
        "SESSION_COOKIE_SECURE": False,
        "SERVER_NAME": None,
        # TEST_FILE_STORE=database runs the suite on the database file store (default: local folders)
        "FILE_STORE": os.environ.get("TEST_FILE_STORE", "local"),
        "FILE_DIR": str(instance / "files"),
        "ATTACHMENT_DIR": str(instance / "attachments"),
        "LETTER_BATCH_DIR": str(instance / "letter-batches"),
        "ROSTER_REJECTS_DIR": str(instance / "rejects"),
        # Tasks run in the request that queued them; tests/helpers/consumer.py runs real consumers.
        "TASK_QUEUE_URL": "immediate",
        "LETTER_SIGNING_P12": test_signing_key(instance),
    }


_SIGNING_KEYS = Path(tempfile.mkdtemp(prefix="sigap-test-keys-"))


def test_signing_key(_instance: Path | None = None) -> str:
    """The demo key of this test run's letters (production-mode apps included): one for every app
    and consumer of the run, outside the folders tests empty."""
    from portal.core.signing import make_demo_pkcs12

    path = _SIGNING_KEYS / "test-signing.p12"
    if not path.exists():
        path.write_bytes(make_demo_pkcs12(b""))
    return str(path)


def migrate(url: str, instance: Path) -> None:
    """Build the schema the way production does: flask db upgrade on an empty database."""
    from flask_migrate import upgrade

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app(app_settings(url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_socket() -> socket.socket:
    """A loopback socket already listening on a free port: hand it to a server (gunicorn's
    `--bind fd://N`) and connections made before the server is up wait in its backlog."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    listener.set_inheritable(True)
    return listener


def wait_until(condition: Callable[[], T], *, timeout: float, what: str | Callable[[], str], every: float = 0.05) -> T:
    """The first true value of `condition()`, checked every `every` s; AssertionError saying
    `what` (or what it returns then) after `timeout` s. Only for states nothing announces (a row lock released by the
    server, a file appearing); a server's readiness is waited for on its socket or its output."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what() if callable(what) else what} (waited {timeout} s)")
        time.sleep(every)
    return value


def port_closed(port: int, *, timeout: float) -> None:
    """Wait until nothing accepts connections on 127.0.0.1:`port` (a killed server's socket)."""

    def refused() -> bool:
        try:
            connection = socket.create_connection(("127.0.0.1", port), timeout=1)
        except ConnectionRefusedError:
            return True
        with connection:  # a connection to itself (TCP simultaneous open) is not a server
            return connection.getsockname() == connection.getpeername()

    wait_until(refused, timeout=timeout, what=f"port {port} still accepts connections", every=0.01)


@contextmanager
def app_on_a_database_of_its_own(database_url: str, tmp_path: Path, name: str) -> Iterator[Flask]:
    """An app on an empty database of its own (for migration tests: the shared test database is
    at head): a new PostgreSQL database `<test database>_<name>`, dropped afterwards, or a new
    SQLite file."""
    admin = None
    if database_url.startswith("postgresql"):
        base, _, shared = database_url.rpartition("/")
        url = f"{base}/{shared}_{name}"
        admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{shared}_{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{shared}_{name}"'))
    else:
        url = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    app = create_app(app_settings(url, tmp_path))
    try:
        yield app
    finally:
        if admin is not None:
            with app.app_context():
                db.engine.dispose()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}"'))
            admin.dispose()
