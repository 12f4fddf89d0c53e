"""Mixed load on gunicorn + PostgreSQL + Redis: status checks, complaint filings, tracking
look-ups and the officer queue at the same time, for a bounded time, then proof that every
acknowledged complaint is in the database exactly once.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 8] [--workers 3] [--threads 2]
        [--pg postgresql://postgres@127.0.0.1:5432/sigap_load] [--redis redis://127.0.0.1:6379/8]
        [--keep-db] [--reuse-db]

The database (`sigap_load`; `test` is refused) is dropped and created, migrated with `flask db
upgrade` and seeded with `flask demo seed` (15,286 people, 240 complaints); an officer account
(role officer, its TOTP key set for the bench) is made with `flask users create`. gunicorn serves it on loopback
(gthread workers) with the rate limits in Redis, raised for the run (one client address
stands for everyone here): see LIMITS. Each client thread is one browser at a time (bench/
load_flows.py) picking a flow: a status check (80% people in the roster, 20% unknown NIKs), a
complaint filed through every step (20% with a photo), a tracking look-up of a complaint filed
in this run, or an officer's queue page (signed in once per client). A warm-up round (each
client does each flow once) is not counted. The database is dropped afterwards unless --keep-db
(--reuse-db then skips the set-up on the next run: for trying the script, not for measuring).
"""

# ruff: noqa: S603, S607 (fixed commands: system tools and this venv's scripts)
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BIN, OUT, ROOT, bench_env, flask, machine  # noqa: E402
from load_flows import FlowError, Stats, User, unknown_niks  # noqa: E402

PG_URL = "postgresql://postgres@127.0.0.1:5432/sigap_load"
REDIS_URL = "redis://127.0.0.1:6379/8"
MIX = [("status", 0.50), ("filing", 0.15), ("tracking", 0.20), ("queue", 0.15)]
LIMITS = {  # the README's variables; defaults are per client address, and here all are 127.0.0.1
    "RATELIMIT_STATUS_CHECK": "100000 per minute",
    "RATELIMIT_COMPLAINTS": "100000 per hour",
    "RATELIMIT_COMPLAINT_STEPS": "100000 per hour",
    "RATELIMIT_TRACKING": "100000 per minute",
    "RATELIMIT_SIGN_IN": "1000 per minute",
}
# e-mail, password, TOTP key: every staff account signs in with a second factor.
OFFICER = ("beban@sigap.test", "sandi-uji-muatan-2026-kota", "BEBANUJIMUATANSIGAPKOTABEKASI234")


def prepare_database(url: str, env: dict[str, str]) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if name in {"test", "postgres", "template0", "template1"}:
        sys.exit(f"refusing to use the database {name!r}")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    flask(["db", "upgrade"], env)
    started = time.perf_counter()
    flask(["demo", "seed"], env)
    print(f"demo seed: {time.perf_counter() - started:.0f} s")
    subprocess.run(
        [
            str(BIN / "flask"),
            "--app",
            "wsgi",
            "users",
            "create",
            OFFICER[0],
            "--role",
            "officer",
            "--seluruh-kota",
            "--keep-password",
            "--name",
            "Petugas Uji Beban",
            "--password-stdin",
        ],
        input=OFFICER[1] + "\n",
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    with psycopg.connect(url, autocommit=True) as conn:  # the set-up page's scan, done for the bench
        conn.execute(
            "UPDATE account SET totp_secret = %s, totp_enabled = true WHERE email = %s", (OFFICER[2], OFFICER[0])
        )


def database_ready(url: str) -> bool:
    """A database of an earlier run with --keep-db: migrated, seeded, with the officer account."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return bool(conn.execute("SELECT count(*) FROM account WHERE email = %s", (OFFICER[0],)).fetchone()[0])
    except psycopg.Error:
        return False


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def roster_people(count: int = 3000) -> tuple[list[tuple[str, str]], set[str]]:
    """NIK + name pairs of the demo roster (what `flask demo seed` imported), and all its NIKs."""
    from datetime import date

    from portal.demo.services.roster import DATA_DATE, demo_rows

    rows = [(r["nik"], r["nama"]) for r in demo_rows(seed=2025, data_date=min(DATA_DATE, date.today()))]
    return random.Random(3).sample(rows, count), {nik for nik, _ in rows}  # noqa: S311


def start_server(env: dict[str, str], workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (OUT / "load-gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import requests

    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(base + "/", timeout=60).status_code == 200:
                return server, base
        except requests.RequestException:
            time.sleep(0.3)
    stop_server(server)
    sys.exit(f"gunicorn did not start; see {log.name}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))] if ordered else 0.0


def exactly_once(url: str, acknowledged: list[tuple[str, str]]) -> tuple[int, int, int, int]:
    """(acknowledged, found exactly once, missing, found more than once), queried by reference."""
    import psycopg

    references = [reference for reference, _code in acknowledged]
    with psycopg.connect(url) as conn:
        found = dict(
            conn.execute(
                "SELECT reference, count(*) FROM complaint WHERE reference = ANY(%s) GROUP BY reference",
                (references,),
            ).fetchall()
        )
    once = sum(1 for ref in set(references) if found.get(ref) == 1)
    return (
        len(references),
        once,
        sum(1 for ref in set(references) if ref not in found),
        sum(1 for n in found.values() if n > 1),
    )


def count_complaints(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM complaint").fetchone()[0]


def run(args: argparse.Namespace) -> int:
    import redis

    attachments = OUT / "load-attachments"
    env = bench_env(
        args.pg,
        RATELIMIT_ENABLED="1",
        RATELIMIT_STORAGE_URI=args.redis,
        **LIMITS,
        ATTACHMENT_DIR=str(attachments),
    )
    OUT.mkdir(parents=True, exist_ok=True)
    store = redis.Redis.from_url(args.redis)
    if store.connection_pool.connection_kwargs.get("db", 0) == 0:
        sys.exit("give the run a Redis database of its own (not /0): it is emptied first")
    store.flushdb()  # this run's counters only
    if not (args.reuse_db and database_ready(args.pg)):
        shutil.rmtree(attachments, ignore_errors=True)  # the files of the database being replaced
        prepare_database(args.pg, env)
    people, known = roster_people()
    niks = unknown_niks(known, random.Random(11))  # noqa: S311
    niks_lock = threading.Lock()

    def next_nik():
        while True:
            with niks_lock:
                nik = next(niks)
            yield nik  # never while holding the lock

    server, base = start_server(env, args.workers, args.threads)
    warm = Stats()  # from here on, gunicorn is stopped in the `finally` below
    users = [User(base, warm, people, next_nik(), seed=n, officer=OFFICER) for n in range(args.clients)]
    try:
        try:  # warm-up, not counted: code paths, pools, caches, one sign-in
            users[0].sign_in()  # a TOTP code is accepted once: the other clients share its session
            for user in users[1:]:
                user.share_sign_in(users[0])
            for user in users:
                for flow in (
                    user.status_check,
                    user.file_complaint,
                    user.track,
                    user.queue,
                ):
                    flow()
        except FlowError:
            sys.exit(f"errors in the warm-up: {warm.samples}")
        stats = Stats()
        stats.acknowledged = list(warm.acknowledged)
        for user in users:
            user.stats = stats
        before = count_complaints(args.pg)
        load_start, cpu_start = os.getloadavg(), os.times()
        deadline = time.monotonic() + args.seconds
        started = time.perf_counter()

        def client(user: User) -> None:
            while time.monotonic() < deadline:
                user.one(MIX)

        threads = [threading.Thread(target=client, args=(u,)) for u in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed, load_end, cpu_end = time.perf_counter() - started, os.getloadavg(), os.times()
        created = count_complaints(args.pg) - before
    finally:
        stop_server(server)
    total, once, missing, twice = exactly_once(args.pg, stats.acknowledged)
    report(
        args,
        stats,
        elapsed,
        load_start,
        load_end,
        cpu_end.user + cpu_end.system - cpu_start.user - cpu_start.system,
        created,
        (total, once, missing, twice),
    )
    rows, no_file, no_row = attachment_files(args.pg, attachments)
    print(f"attachments: {rows} rows; rows without their file: {no_file}; files without a row: {no_row}")
    if not args.keep_db:
        drop_database(args.pg)
        shutil.rmtree(attachments, ignore_errors=True)
    failed = sum(stats.errors.values()) or missing or twice or once != total or no_file or no_row
    return 1 if failed else 0


def attachment_files(url: str, folder: Path) -> tuple[int, int, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        keys = {key for (key,) in conn.execute("SELECT storage_key FROM attachment")}
    files = {path.name for path in folder.iterdir()} if folder.is_dir() else set()
    return len(keys), len(keys - files), len(files - keys)


def report(
    args,
    stats: Stats,
    elapsed: float,
    load_start,
    load_end,
    client_cpu: float,
    created: int,
    check: tuple[int, int, int, int],
) -> None:
    total_requests = sum(len(v) for v in stats.latency.values())
    print(
        f"\n{machine()}; load average {' '.join(f'{x:.2f}' for x in load_start)} at the start, "
        f"{' '.join(f'{x:.2f}' for x in load_end)} at the end"
    )
    print(
        f"gunicorn -w {args.workers} -k gthread --threads {args.threads}, {args.clients} clients, "
        f"{elapsed:.1f} s: {total_requests:,} requests ({total_requests / elapsed:.1f}/s), "
        f"{sum(stats.errors.values())} errors; client CPU {client_cpu:.1f} s\n"
    )
    print("| kind | requests | errors | p50 | p95 | p99 |\n|---|---:|---:|---:|---:|---:|")
    for kind in sorted(stats.latency):
        values = stats.latency[kind]
        ms = [percentile(values, q) * 1000 for q in (0.50, 0.95, 0.99)]
        print(f"| {kind} | {len(values):,} | {stats.errors[kind]} | " + " | ".join(f"{x:.0f} ms" for x in ms) + " |")
    print("\nflows completed: " + ", ".join(f"{name} {n:,}" for name, n in sorted(stats.flows.items())))
    total, once, missing, twice = check
    print(
        "complaints acknowledged (a reference on a confirmation page, warm-up included): "
        f"{total:,}; "
        f"in the database exactly once: {once:,}; missing: {missing}; more than once: {twice}; "
        f"complaints created during the measured run: {created:,}"
    )
    for sample in stats.samples:
        print("  error:", sample)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pg", default=os.environ.get("LOAD_PG_URL", PG_URL))
    parser.add_argument("--redis", default=os.environ.get("LOAD_REDIS_URL", REDIS_URL))
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database afterwards")
    parser.add_argument("--reuse-db", action="store_true", help="use the database a --keep-db run left")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
