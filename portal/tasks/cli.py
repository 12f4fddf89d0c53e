"""flask tasks worker: a consumer of the task queue (run one or more per machine)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from portal.tasks.queue import IMMEDIATE, huey

tasks_cli = AppGroup("tasks", help="Antrean tugas latar belakang (Huey).")


@tasks_cli.command("worker")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=2, show_default=True, help="Tasks run at once.")
@click.option(
    "--worker-type",
    "-k",
    type=click.Choice(["process", "thread"]),
    default="process",
    show_default=True,
    help="process: letters render on every core; thread: light work only.",
)
@click.option("--no-periodic", is_flag=True, help="Leave the scheduled tasks to the other consumers.")
def worker_command(workers: int, worker_type: str, no_periodic: bool) -> None:
    """Take tasks from TASK_QUEUE_URL until stopped (SIGINT: finish the running tasks; SIGTERM: stop now,
    the tasks it held run again later)."""
    if current_app.config["TASK_QUEUE_URL"] == IMMEDIATE:
        raise click.UsageError(
            "TASK_QUEUE_URL=immediate has no queue to consume: set it to a sqlite:/// or redis:// URL."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    for chatty in ("weasyprint", "fontTools"):  # a line per page laid out: the tasks' own lines would drown
        logging.getLogger(chatty).setLevel(logging.WARNING)
    consumer = huey.create_consumer(workers=workers, worker_type=worker_type, periodic=not no_periodic)
    consumer.run()
