"""Fixtures shared by integration test modules."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.extensions import db
from portal.tasks.queue import huey
from tests.helpers import PortalClient, app_settings


@pytest.fixture(scope="session")
def unconsumed_queue_url(tmp_path_factory) -> str:
    """A task queue (SQLite storage) that no consumer reads: for a module's `app_config`
    (TASK_QUEUE_URL), so that what a request queues waits there until the test runs it (`queued`).
    One file per session, so the app is still reused from test to test."""
    return f"sqlite:///{tmp_path_factory.mktemp('unconsumed-queue') / 'tasks.sqlite3'}"


class Queued:
    """The tasks waiting in the app's queue, and `run()`, which runs them here the way a
    consumer would (Huey's own dequeue and execute, each task in an app context of its own)."""

    def names(self) -> list[str]:
        return [task.name for task in huey.pending()]

    def run(self, limit: int | None = None) -> int:
        ran = 0
        while (limit is None or ran < limit) and (task := huey.dequeue()) is not None:
            huey.execute(task)
            ran += 1
        return ran


@pytest.fixture
def queued(app) -> Queued:
    """An empty queue at the start (the storage outlives one test); for apps whose
    TASK_QUEUE_URL is `unconsumed_queue_url`."""
    assert not huey.immediate, "queued needs app_config with TASK_QUEUE_URL=unconsumed_queue_url"
    huey.flush()
    yield Queued()
    huey.flush()


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
