"""Roster import: 1,000,000 rows into an empty SQLite database through the real CLI.

DESIGN §7 budget: under 60 s on SQLite, in constant memory; this portal aims at under 30 s
and under 300 MB peak RSS. Each import runs `flask --app wsgi roster import FILE` in a child
process; wall time from the parent, peak RSS and CPU time from wait4() on that child alone.
The second import reads the same file again: every row is compared and left unchanged.

    .venv/bin/python bench/roster_import.py [--rows 1000000] [--postgresql URL]

With --postgresql the same two imports also run against that (emptied) database, for
information: the budget is SQLite's.

The import keeps the per-group counts of /statistik (roster_summary) from the moves it makes.
For the record of that choice, the script then times what counting them again from scratch would
add to an import: portal.roster.services.summary.recount on the imported database (median of
3, each rolled back).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import FLASK, OUT, ROSTER_ROWS, bench_env, flask, machine, roster_file  # noqa: E402

SQLITE_PATH = OUT / "import.sqlite3"


@dataclass
class ImportRun:
    label: str
    rows: int
    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    summary: str

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def _empty_sqlite() -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def _empty_postgresql(url: str) -> str:
    import psycopg

    base, _, name = url.rpartition("/")
    if name == "test":
        raise SystemExit("--postgresql names `test`, the test suite's database: use another")
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url


def run_import(label: str, csv_path: Path, rows: int, env: dict[str, str]) -> ImportRun:
    from _common import run_measured

    measured = run_measured([FLASK, "--app", "wsgi", "roster", "import", str(csv_path), "--by", "bench"], env)
    summary = measured.stdout.strip().splitlines()[-1]
    if not re.search(rf"{rows} baris dibaca", summary):
        raise RuntimeError(f"unexpected import summary: {measured.stdout}")
    return ImportRun(label, rows, measured.seconds, measured.cpu_seconds, measured.max_rss_mb, summary)


def measure(url: str, backend: str, csv_path: Path, rows: int) -> list[ImportRun]:
    env = bench_env(url)
    flask(["db", "upgrade"], env)
    first = run_import(f"{backend}: into an empty database", csv_path, rows, env)
    second = run_import(f"{backend}: same file again (all unchanged)", csv_path, rows, env)
    return [first, second]


def full_recount_seconds(url: str) -> float:
    """What a full recount of roster_summary costs on the imported database (rolled back), timed
    in a child process: the imports' peak RSS (wait4) would otherwise include this process's."""
    import subprocess

    done = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--time-recount", url],
        env=bench_env(url),  # noqa: S603
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.split()[-1])


def _time_recount() -> None:
    import statistics
    import time

    from portal import create_app
    from portal.extensions import db
    from portal.roster.services.summary import recount

    times = []
    with create_app().app_context():  # DATABASE_URL from bench_env
        for _ in range(3):
            started = time.perf_counter()
            recount(session=db.session)
            times.append(time.perf_counter() - started)
            db.session.rollback()
        db.engine.dispose()
    print(statistics.median(times))


def report(run: ImportRun) -> None:
    print(
        f"{run.label}: {run.seconds:.1f} s ({run.rows_per_second:,.0f} rows/s), CPU "
        f"{run.cpu_seconds:.1f} s, peak RSS {run.max_rss_mb:.0f} MB"
    )
    print(f"    {run.summary}")


def main(argv: list[str] | None = None) -> list[ImportRun]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=ROSTER_ROWS)
    parser.add_argument(
        "--postgresql",
        metavar="URL",
        default=None,
        help="also import into this PostgreSQL database (dropped and recreated)",
    )
    parser.add_argument("--time-recount", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.time_recount:
        _time_recount()
        return []
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f}")
    roster = roster_file(args.rows)
    sqlite_url = _empty_sqlite()
    runs = measure(sqlite_url, "SQLite", roster.csv, roster.rows)
    for run in runs:
        report(run)
    print(
        f"SQLite: a full recount of roster_summary would add {full_recount_seconds(sqlite_url):.1f} s "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    if args.postgresql:
        pg_runs = measure(_empty_postgresql(args.postgresql), "PostgreSQL", roster.csv, roster.rows)
        for run in pg_runs:
            report(run)
        runs += pg_runs
        print(
            f"PostgreSQL: a full recount of roster_summary would add {full_recount_seconds(args.postgresql):.1f} s "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    return runs


if __name__ == "__main__":
    main()
