"""The portal's Huey instance, its storage chosen when the app starts (TASK_QUEUE_URL).

    (empty)             SQLite file instance/tasks.sqlite3: the embedded default, no extra server
    sqlite:///PATH      a SQLite file elsewhere (one machine only: SQLite is not shared over a network)
    redis://HOST/DB     Redis: consumers on several machines
    immediate           no queue: a task runs at once, in the caller (tests, `flask` one-offs)

Tasks are declared with `task` and `periodic_task` here, not Huey's own decorators: each run gets
an app context of its own (its own database session) and ends with one commit, the task's
equivalent of the one commit per request in the web layer.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.api import TaskWrapper
from huey.storage import PriorityRedisStorage, SqliteStorage

from portal.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

NAME = "sigap"
IMMEDIATE = "immediate"
log = logging.getLogger("portal.tasks")

# Until configure() runs, a task runs at once in the caller, in memory (nothing is left queued).
huey = Huey(NAME, results=False, immediate=True)
_apps: list[Flask] = []  # the app the consumer (or the last create_app) built: tasks run in it


def storage_for(url: str) -> tuple[type[Any], dict[str, Any]]:
    """The Huey storage class and its arguments for a TASK_QUEUE_URL (checked by portal.config)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return PriorityRedisStorage, {"url": url}
    if url.startswith("sqlite:///"):
        return SqliteStorage, {"filename": url[len("sqlite:///") :]}
    raise ValueError(f"unknown task queue URL {url!r}")


def configure(app: Flask) -> None:
    """Point the queue at TASK_QUEUE_URL; tasks of this process run in `app`."""
    _apps[:] = [app]
    url = app.config["TASK_QUEUE_URL"]
    if url == IMMEDIATE:
        huey.immediate = True
        return
    huey.storage_class, huey.storage_kwargs = storage_for(url)
    huey.immediate = False  # makes the storage when leaving immediate mode; otherwise:
    huey.storage = huey.create_storage()


@huey.on_startup()
def _own_connections() -> None:
    """A consumer's worker process is forked from the one that built the app: it must not share
    that process's pooled database connections."""
    if _apps:
        with _apps[0].app_context():
            db.engine.dispose(close=False)


def task_app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]  # flask types the proxy as Flask
    if not _apps:
        raise RuntimeError("the task queue runs tasks in an app: call create_app() first")
    return _apps[0]


def _in_app(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with task_app().app_context():
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return run


def task(**options: Any) -> Callable[[Callable[P, R]], TaskWrapper]:
    """A Huey task (options as huey.task: retries, retry_delay, priority…) run in an app context."""

    def decorate(fn: Callable[P, R]) -> TaskWrapper:
        return huey.task(**options)(_in_app(fn))

    return decorate


def periodic_task(validate_datetime: Callable[..., bool], **options: Any) -> Callable[[Callable[[], R]], TaskWrapper]:
    """A Huey periodic task (validate_datetime: huey.crontab(...)) run in an app context. Every
    consumer's scheduler enqueues it, so it must be safe to run twice (they all are)."""

    def decorate(fn: Callable[[], R]) -> TaskWrapper:
        return huey.periodic_task(validate_datetime, **options)(_in_app(fn))

    return decorate


def put_progress(key: str, value: int) -> None:
    """How far a long task got, where every web node can read it (the queue's own storage).
    Progress is a courtesy: a storage that is down loses it, not the task."""
    try:
        huey.put(f"progress:{key}", value)
    except Exception:
        log.warning("progress of %s not stored", key, exc_info=True)


def read_progress(key: str) -> int | None:
    try:
        value = huey.get(f"progress:{key}", peek=True)
    except Exception:
        log.warning("progress of %s not read", key, exc_info=True)
        return None
    return value if isinstance(value, int) else None


def enqueue(queued: Callable[..., object], *args: object, **options: object) -> bool:
    """Queue a task after the caller committed: `enqueue(render_part, job_id, 3)`; `options` are
    Huey's (priority=…, delay=…). A queue that is down does not undo what was committed: the
    periodic task that looks for work without a nudge picks it up, so this logs and answers False
    instead of raising."""
    try:
        queued(*args, **options)
    except Exception:
        if huey.immediate:
            raise
        name = getattr(getattr(queued, "func", queued), "__qualname__", repr(queued))
        log.exception("task %s not queued; the periodic check will queue it again", name)
        return False
    return True
