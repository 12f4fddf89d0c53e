"""Fixtures shared by integration test modules."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.extensions import db
from portal.statistics.routes import figures
from tests.helpers import PortalClient, app_settings


@pytest.fixture
def background(monkeypatch) -> list:
    """Background refreshes asked for, not yet run."""
    pending: list = []
    monkeypatch.setattr(figures, "_in_background", pending.append)
    return pending


@pytest.fixture
def new_worker(app, database_url, app_config, tmp_path):
    """A new worker process on the same database: a client of a new app, with an empty cache."""
    apps = []

    def start(**config) -> PortalClient:
        worker = create_app({**app_settings(database_url, tmp_path), **app_config, **config})
        worker.test_client_class = PortalClient
        apps.append(worker)
        return worker.test_client()

    yield start
    for worker in apps:
        with worker.app_context():
            db.session.remove()
            db.engine.dispose()
