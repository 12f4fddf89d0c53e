"""Roster import: 1,000,000 rows through the real CLI, against each database's bulk-load floor.

DESIGN §7 budget: under 60 s on SQLite, in constant memory; this portal aims at under 30 s
and under 300 MB peak RSS on SQLite, and (issue 14) at most 15 s on PostgreSQL. Each import
runs `flask --app wsgi roster import FILE` in a child process; wall time from the parent, peak
RSS and CPU time from wait4() on that child alone. The second import reads the same file again:
every row is compared and left unchanged.

    .venv/bin/python bench/roster_import.py [--rows 1000000] [--postgresql URL] [--rounds N]

The floor is the plain bulk load of the same file, timed in the same round, next to the import:
on SQLite, `executemany` of the file's rows (csv.reader) into a new table without an index,
then its unique index on nik; on PostgreSQL, `COPY ... FROM STDIN (FORMAT csv)` of the file
into a new table without an index, then its unique index on nik (in a child process each).
Each round runs the floor and the two imports, PostgreSQL and SQLite in turn; the machine is
shared, so the script notes the load average around each and prints every round, then the
median of each figure and of each import-to-floor ratio over the rounds.

The import keeps the per-group counts of /statistik (roster_summary) from the moves it makes.
For the record of that choice, the script then times what counting them again from scratch would
add to an import: portal.roster.services.summary.recount on the imported database (median of
3, each rolled back).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
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


FLOOR_COLUMNS = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kelurahan",
    "pekerjaan",
    "desil",
    "status",
    "alasan",
    "kpj",
    "mulai",
    "selesai",
    "tanggal_data",
)


def _floor_sqlite(csv_path: str) -> None:
    """Child process: the file into a new SQLite table, no index, then the unique index."""
    import csv
    import sqlite3

    path = OUT / "floor.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"CREATE TABLE floor ({', '.join(f'{c} TEXT' for c in FLOOR_COLUMNS)})")
    started = time.perf_counter()
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        db.execute("BEGIN")
        marks = ", ".join("?" * len(FLOOR_COLUMNS))
        db.executemany(f"INSERT INTO floor VALUES ({marks})", rows)  # noqa: S608 (question marks only)
        db.execute("COMMIT")
    loaded = time.perf_counter()
    db.execute("CREATE UNIQUE INDEX floor_nik ON floor (nik)")
    indexed = time.perf_counter()
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(loaded - started, indexed - loaded)


def _floor_postgresql(csv_path: str, url: str) -> None:
    """Child process: COPY the file into a new PostgreSQL table, no index, then the unique index."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute(f"CREATE TABLE bench_floor ({', '.join(f'{c} text' for c in FLOOR_COLUMNS)})")
        started = time.perf_counter()
        with conn.cursor() as cursor, open(csv_path, "rb") as handle:
            with cursor.copy("COPY bench_floor FROM STDIN (FORMAT csv, HEADER)") as copy:
                while data := handle.read(1 << 20):
                    copy.write(data)
        loaded = time.perf_counter()
        conn.execute("CREATE UNIQUE INDEX bench_floor_nik ON bench_floor (nik)")
        indexed = time.perf_counter()
        conn.execute("DROP TABLE bench_floor")
    print(loaded - started, indexed - loaded)


@dataclass
class Floor:
    label: str
    load_seconds: float
    index_seconds: float
    load_average: float

    @property
    def seconds(self) -> float:
        return self.load_seconds + self.index_seconds


def floor(backend: str, csv_path: Path, url: str) -> Floor:
    load_average = os.getloadavg()[0]
    args = [sys.executable, __file__, "--floor", backend, str(csv_path), url]
    done = subprocess.run(args, env=bench_env(url), capture_output=True, text=True, check=True)  # noqa: S603
    loaded, indexed = map(float, done.stdout.split()[-2:])
    return Floor(f"{backend}: bulk-load floor", loaded, indexed, load_average)


def report(run: ImportRun) -> None:
    print(
        f"{run.label}: {run.seconds:.1f} s ({run.rows_per_second:,.0f} rows/s), CPU "
        f"{run.cpu_seconds:.1f} s, peak RSS {run.max_rss_mb:.0f} MB (load average {os.getloadavg()[0]:.1f})"
    )
    print(f"    {run.summary}")


def report_floor(result: Floor) -> None:
    print(
        f"{result.label}: {result.seconds:.1f} s (load {result.load_seconds:.1f} s + unique index "
        f"{result.index_seconds:.1f} s; load average {result.load_average:.1f} before)"
    )


def one_round(backend: str, url: str, csv_path: Path, rows: int) -> tuple[Floor, list[ImportRun]]:
    bottom = floor(backend, csv_path, url)
    report_floor(bottom)
    runs = measure(url, backend, csv_path, rows)
    for run in runs:
        report(run)
        print(f"    {run.seconds / bottom.seconds:.1f} × the floor")
    return bottom, runs


def summarize(backend: str, rounds: list[tuple[Floor, list[ImportRun]]]) -> None:
    floors = [f.seconds for f, _ in rounds]
    print(f"{backend}, median of {len(rounds)} round(s): floor {statistics.median(floors):.1f} s")
    for n, label in enumerate(("into an empty database", "same file again")):
        seconds = [runs[n].seconds for _, runs in rounds]
        cpu = [runs[n].cpu_seconds for _, runs in rounds]
        ratios = [runs[n].seconds / f.seconds for f, runs in rounds]
        print(
            f"    {label}: {statistics.median(seconds):.1f} s (import process CPU "
            f"{statistics.median(cpu):.1f} s), {statistics.median(ratios):.1f} × the floor "
            f"(rounds: {', '.join(f'{s:.1f} s' for s in seconds)})"
        )


def main(argv: list[str] | None = None) -> list[ImportRun]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=ROSTER_ROWS)
    parser.add_argument(
        "--postgresql",
        metavar="URL",
        default=None,
        help="also import into this PostgreSQL database (dropped and recreated)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="floor and imports, PostgreSQL and SQLite in turn")
    parser.add_argument("--time-recount", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--floor", nargs=3, metavar=("BACKEND", "CSV", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.time_recount:
        _time_recount()
        return []
    if args.floor:
        backend, csv_path, url = args.floor
        _floor_sqlite(csv_path) if backend == "SQLite" else _floor_postgresql(csv_path, url)
        return []
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f}")
    roster = roster_file(args.rows)
    sqlite_rounds: list[tuple[Floor, list[ImportRun]]] = []
    pg_rounds: list[tuple[Floor, list[ImportRun]]] = []
    for n in range(args.rounds):
        print(f"-- round {n + 1} of {args.rounds}")
        if args.postgresql:
            pg_rounds.append(one_round("PostgreSQL", _empty_postgresql(args.postgresql), roster.csv, roster.rows))
        sqlite_rounds.append(one_round("SQLite", _empty_sqlite(), roster.csv, roster.rows))
    sqlite_url = f"sqlite:///{SQLITE_PATH}"
    print(
        f"SQLite: a full recount of roster_summary would add {full_recount_seconds(sqlite_url):.1f} s "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    if args.postgresql:
        print(
            f"PostgreSQL: a full recount of roster_summary would add {full_recount_seconds(args.postgresql):.1f} s "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
    print("--")
    if pg_rounds:
        summarize("PostgreSQL", pg_rounds)
    summarize("SQLite", sqlite_rounds)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return [run for _, runs in sqlite_rounds for run in runs] + [run for _, runs in pg_rounds for run in runs]


if __name__ == "__main__":
    main()
