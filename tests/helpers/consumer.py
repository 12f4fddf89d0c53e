"""Real task-queue consumers for tests: `flask tasks worker` in child processes, on the test
app's database and queue, the way production runs them (Procfile, README)."""

# ruff: noqa: S603 (this venv's flask, fixed arguments)
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
PASSED = (
    "SECRET_KEY",
    "NIK_HMAC_KEY",
    "PUBLIC_BASE_URL",
    "TASK_QUEUE_URL",
    "LETTER_BATCH_DIR",
    "ATTACHMENT_DIR",
    "ROSTER_REJECTS_DIR",
    "LETTER_BATCHES_AT_ONCE",
    "LETTER_PART_LEASE_SECONDS",
    "SMTP_HOST",
    "SMTP_PORT",
    "LETTER_SIGNING_P12",
)


def consumer_environment(app: Flask) -> dict[str, str]:
    env = dict(os.environ)  # with the test clock's shift (tests/clock.py) for the child to follow
    env.update({name: str(app.config[name]) for name in PASSED})
    env.update(
        {
            "SIGAP_ENV": "testing",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


class Consumer:
    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process, self.log = process, log

    def kill(self) -> None:
        """As a crash or an out-of-memory kill would: no chance to finish anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # huey: finish running tasks, then stop
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def consumers(app: Flask, folder: Path, *, count: int = 1, workers: int = 2) -> Iterator[list[Consumer]]:
    """`count` consumers of the app's queue, each `flask tasks worker -w WORKERS -k process`."""
    flask = str(Path(sys.executable).with_name("flask"))
    env = consumer_environment(app)
    started: list[Consumer] = []
    with ExitStack() as stack:
        for number in range(count):
            log = folder / f"consumer-{number}.log"
            handle = stack.enter_context(log.open("wb"))
            process = subprocess.Popen(
                [flask, "--app", "wsgi", "tasks", "worker", "-w", str(workers), "-k", "process"],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            started.append(Consumer(process, log))
        try:
            yield started
        finally:
            for consumer in started:
                consumer.stop()
