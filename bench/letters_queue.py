"""The city's 11,666 letters as one batch on the task queue, with one consumer and with two, against
the CLI batch (`flask letters batch --all`, every core) in the same run.

    .venv/bin/python bench/letters_queue.py [--rounds 1] [--with-cli] [--pg-url URL] [--redis URL]

PostgreSQL (default sigap_bench_queue, emptied; refuses `test`) with the demo roster (11,666
active participants); Redis db 14 as the queue. Before each run every letter and job is deleted,
so all 11,666 are numbered and rendered. A queue run starts N consumers (`flask tasks worker
--workers 1` each), queues the batch as the officers' page does, and is timed from queueing to
the merged PDF (the job's row says `selesai`). On 2 cores, two consumers should take about half
the time of one. Results: bench/out/letters_queue.json.
"""

# ruff: noqa: S603 (this venv's commands)
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import FLASK, OUT, ROOT, bench_env, flask, machine  # noqa: E402

START = """
from portal import create_app
from portal.core.base import utcnow
from portal.extensions import db
from portal.jobs.models import JobKind
from portal.jobs.services import jobs
from portal.letters import tasks
from portal.tasks.queue import enqueue
app = create_app()
with app.app_context():
    job = jobs.new_job(session=db.session, kind=JobKind.LETTER_BATCH, scope="semua", label="Kota Bekasi",
                       started_by_id=None, started_by_name="bench", now=utcnow())
    db.session.commit()
    enqueue(tasks.admit_batches)
    print(job.id)
"""


def reset(engine) -> None:
    import sqlalchemy as sa

    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM background_job_part"))
        conn.execute(sa.text("DELETE FROM background_job"))
        conn.execute(sa.text("UPDATE letter SET superseded_by_id = NULL"))
        conn.execute(sa.text("DELETE FROM letter"))
        conn.execute(sa.text("DELETE FROM letter_counter"))


def state_of(engine, job_id: str) -> tuple[str, int, int]:
    import sqlalchemy as sa

    with engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT state, done, total FROM background_job WHERE id = :id"), {"id": job_id}
        ).one()
    return row[0], row[1], row[2]


def queue_run(env: dict[str, str], engine, consumers: int) -> dict:
    import redis

    redis.Redis.from_url(env["TASK_QUEUE_URL"]).flushdb()
    reset(engine)
    logs = []
    processes = []
    for number in range(consumers):
        log = (OUT / f"letters-queue-consumer-{number}.log").open("wb")
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [FLASK, "--app", "wsgi", "tasks", "worker", "--workers", "1"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    time.sleep(3)  # the consumers import the portal and WeasyPrint before they take anything
    started = time.perf_counter()
    job_id = subprocess.run(
        [sys.executable, "-c", START], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    try:
        while True:
            state, done, total = state_of(engine, job_id)
            if state in ("selesai", "gagal"):
                break
            if time.perf_counter() - started > 3600:
                raise RuntimeError("no end within an hour")
            time.sleep(1)
        seconds = time.perf_counter() - started
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGINT)
        for process in processes:
            process.wait(timeout=120)
        for log in logs:
            log.close()
    return {"consumers": consumers, "state": state, "letters": total, "seconds": round(seconds, 1)}


def cli_run(env: dict[str, str], engine) -> dict:
    reset(engine)
    out = OUT / "letters-queue-cli.pdf"
    started = time.perf_counter()
    flask(["letters", "batch", "--all", "--out", str(out)], env)
    return {"cli": True, "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/sigap_bench_queue")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--with-cli", action="store_true", help="also time `flask letters batch --all` each round")
    args = parser.parse_args(argv)
    import sqlalchemy as sa

    base, _, name = args.pg_url.rpartition("/")
    if name == "test":
        raise SystemExit("refusing the test suite's database `test`")
    admin = sa.create_engine(
        f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    OUT.mkdir(parents=True, exist_ok=True)
    env = bench_env(args.pg_url, TASK_QUEUE_URL=args.redis, LETTER_BATCH_DIR=str(OUT / "letters-queue-batches"))
    flask(["db", "upgrade"], env)
    flask(["demo", "seed"], env)
    engine = sa.create_engine(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    runs = []
    for _round in range(args.rounds):
        plan = [lambda: queue_run(env, engine, 1), lambda: queue_run(env, engine, 2)]
        if args.with_cli:
            plan.insert(0, lambda: cli_run(env, engine))
        for run in plan:
            load = os.getloadavg()[0]
            result = {**run(), "load_before": round(load, 2)}
            print(json.dumps(result), flush=True)
            runs.append(result)
    one = [r["seconds"] for r in runs if r.get("consumers") == 1]
    two = [r["seconds"] for r in runs if r.get("consumers") == 2]
    cli = [r["seconds"] for r in runs if r.get("cli")]
    summary = {
        "machine": machine(),
        "runs": runs,
        "two_over_one": round(sum(two) / sum(one), 2),
        "one_consumer_over_cli": round(sum(one) / sum(cli), 2) if cli else None,
        "two_consumers_over_cli": round(sum(two) / sum(cli), 2) if cli else None,
    }
    (OUT / "letters_queue.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
