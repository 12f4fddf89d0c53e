"""The task queue, pointed at TASK_QUEUE_URL, with every domain's tasks registered, when the app
is built: a consumer (`flask tasks worker`) builds the same app, so it knows every task by name."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.tasks.queue import configure

    configure(app)
    # Imported for their side effect: each module's @task functions register with the queue.
    from portal.complaints import tasks as complaints_tasks  # noqa: F401
    from portal.letters import tasks as letters_tasks  # noqa: F401
    from portal.notifications import tasks as notifications_tasks  # noqa: F401
    from portal.roster import tasks as roster_tasks  # noqa: F401
    from portal.statistics import tasks as statistics_tasks  # noqa: F401
    from portal.status_check import tasks as status_check_tasks  # noqa: F401
