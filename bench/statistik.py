"""/statistik at 100,000 complaints and a 1,000,000-row roster: cold to warm, SQLite and PostgreSQL.

    .venv/bin/python bench/statistik.py [--roster 1000000] [--complaints 100000]
        [--pg postgresql+psycopg://postgres@127.0.0.1/sigap_bench_stats] [--no-pg]

Rows are bulk-inserted with Core (importing a roster or filing complaints through the web
would measure other code), then the roster's per-group counts (roster_summary, which the import
keeps) are counted once with portal.roster.services.summary.recount. The roster has the demo mix
of statuses scaled to --roster rows (about 76% active). Complaints get consistent timestamps:
verified, answered and appealed according to their status.

Each page goes through the whole Flask stack with the test client. The figures a worker serves
come from its memory, else from the snapshot in the database (stats_snapshot, shared by every
worker), else from a count (portal.statistics.services.cache):
"cold": no snapshot and an empty memory before every request, so the SQL aggregation runs inline
and stores a snapshot (only the first request on a new database waits like this);
"first request of a worker": an empty memory (a new or restarted worker) with a snapshot counted
moments ago in the database: one row read and the JSON read back; "... stale snapshot": the same
with a snapshot older than STATS_CACHE_SECONDS, served at once and a recount queued; "stale": the
worker's figures are older than STATS_CACHE_SECONDS, so the request reads the snapshot again (one
row), finds it stale too, queues a recount and is served what the worker has (what a visitor
meets when the consumers fall behind); "warm": served from memory. No web worker counts in the
background: the recount is a task on the queue (a SQLite file here, as the embedded default),
which this script runs itself, as a consumer would, before the next request. Figures are medians
(cold, first and stale: 7 requests; warm: 30 after a warm-up). Budget (DESIGN §7): 100 ms.
For comparison it also times, outside the page, reading the roster's figures from roster_summary
and the grouped pass over `person` that the page made before (median of 3).
Prints the load average too: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1/sigap_bench_stats"
BATCH = 10_000


def _status_mix(total: int) -> list[tuple[str, str | None, int]]:
    from portal.demo.services.roster import DEFAULT_COUNTS

    base = sum(DEFAULT_COUNTS.values())
    mix = [(status, reason or None, count * total // base) for (status, reason), count in DEFAULT_COUNTS.items()]
    short = total - sum(n for _s, _r, n in mix)
    return [(s, r, n + (short if s == "daftar_tunggu" else 0)) for s, r, n in mix]


def fill_roster(session, rows: int, seed: int = 11) -> None:
    import sqlalchemy as sa

    from portal.core.regions import regions
    from portal.models import Person
    from portal.roster.services.summary import recount

    if session.scalar(sa.select(sa.func.count()).select_from(Person)) >= rows:
        return  # filled before: the migration or an earlier run counted roster_summary
    rng = random.Random(seed)  # noqa: S311 (synthetic benchmark data, not secrets)
    codes = sorted(regions().kelurahan)
    starts = [date(2025, 11, 1)] * 8 + [date(2026, 1, 1), date(2026, 3, 1)]
    table, batch, serial = Person.__table__, [], 0
    for status, reason, count in _status_mix(rows):
        for _ in range(count):
            serial += 1
            active = status == "aktif"
            female = rng.random() < 0.45
            batch.append(
                {
                    "nik": f"3275{serial:012d}",
                    "nama": "Peserta Uji",
                    "tanggal_lahir": date(1980, 1, 1),
                    "jenis_kelamin": "P" if female else "L",
                    "kelurahan_code": rng.choice(codes),
                    "pekerjaan": "ojek online",
                    "desil": rng.randint(1, 5),
                    "status": status,
                    "alasan": reason,
                    "kpj": f"{serial:011d}" if active else None,
                    "mulai": rng.choice(starts) if active else None,
                    "selesai": date(2026, 12, 31) if active else None,
                    "tanggal_data": date(2026, 10, 1),
                    "updated_at": datetime(2026, 10, 1, tzinfo=UTC),
                }
            )
            if len(batch) == BATCH:
                session.execute(table.insert(), batch)
                batch = []
    if batch:
        session.execute(table.insert(), batch)
    recount(session=session)  # rows written behind the import's back: count the groups once
    session.commit()


def fill_complaints(session, count: int, seed: int = 7, now: datetime | None = None) -> None:
    import sqlalchemy as sa

    from portal.core.regions import regions
    from portal.models import Complaint

    if session.scalar(sa.select(sa.func.count()).select_from(Complaint)) >= count:
        return
    rng = random.Random(seed)  # noqa: S311 (synthetic benchmark data, not secrets)
    now = now or datetime.now(UTC)
    codes = sorted(regions().kelurahan)
    categories = (
        ["terlewat"] * 5
        + ["data_salah"] * 3
        + ["masalah_kartu_klaim"] * 2
        + ["penerima_tidak_layak", "pungli", "informasi", "informasi", "lainnya"]
    )
    statuses = [
        "diterima",
        "diverifikasi",
        "menunggu_informasi",
        "dirujuk",
        "selesai",
        "selesai",
        "selesai",
        "ditolak",
        "banding",
        "ditutup",
    ]
    table, batch = Complaint.__table__, []
    for i in range(count):
        created = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
        status = rng.choice(statuses)
        verified = resolved = None
        if status not in ("diterima", "ditutup"):
            verified = min(now, created + timedelta(days=rng.choice([1, 2, 3, 4, 6])))
        if status in ("selesai", "ditolak", "banding"):
            resolved = min(now, created + timedelta(days=rng.randint(5, 30)))
        category = rng.choice(categories)
        batch.append(
            {
                "reference": f"SGP-{created.year}-{i + 1:06d}",
                "access_code_hash": "x",
                "category": category,
                "status": status,
                "confidential": category == "pungli" or rng.random() < 0.05,
                "subject_nik": f"3275{rng.randint(10**11, 10**12 - 1)}",
                "subject_name": "Pelapor Uji",
                "kelurahan_code": rng.choice(codes),
                "filer_relation": "sendiri",
                "consent_recorded": False,
                "phone": "+6281200000000",
                "contact_channel": "whatsapp",
                "description": "uji beban",
                "created_at": created,
                "updated_at": resolved or verified or created,
                "verify_due": (created + timedelta(days=5)).date(),
                "resolve_due": (created + timedelta(days=20)).date(),
                "verified_at": verified,
                "resolved_at": resolved,
                "appealed": status == "banding",
                "version": 1,
                "paused_since": created.date() if status == "menunggu_informasi" else None,
            }
        )
        if len(batch) == BATCH:
            session.execute(table.insert(), batch)
            batch = []
    if batch:
        session.execute(table.insert(), batch)
    session.commit()


def _app(url: str):
    os.environ["SIGAP_ENV"] = "testing"
    from portal import create_app

    queue = Path(tempfile.mkdtemp(prefix="sigap-bench-queue-")) / "tasks.sqlite3"
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TASK_QUEUE_URL": f"sqlite:///{queue}",
            "SECRET_KEY": "bench",
            "NIK_HMAC_KEY": "bench-nik",
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )


def _median_ms(client, path: str, runs: int, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def _roster_queries_ms(session) -> dict[str, float]:
    """The roster's figures as /statistik reads them now, and the pass over `person` it made before."""
    import sqlalchemy as sa

    from portal.models import Person
    from portal.roster.services import summary as roster_summary

    columns = (Person.status, Person.kelurahan_code, Person.jenis_kelamin, Person.mulai, Person.selesai)
    before = sa.select(*columns, sa.func.count(), sa.func.max(Person.tanggal_data)).group_by(*columns)
    timings = {}
    for name, run in (
        ("roster figures from roster_summary", lambda: roster_summary.groups(session=session)),
        ("(before) grouped pass over person", lambda: session.execute(before).all()),
    ):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        timings[name] = statistics.median(times)
    session.rollback()
    return timings


def measure(url: str, roster: int, complaints: int) -> dict[str, float]:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal.core.base import utcnow
    from portal.extensions import db
    from portal.models import StatsSnapshot
    from portal.statistics.routes.figures import CACHE, figures_cache
    from portal.tasks.queue import huey

    app = _app(url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        fill_roster(db.session, roster)
        fill_complaints(db.session, complaints)
        filled = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        queries = _roster_queries_ms(db.session)
    client = app.test_client()

    def cache():
        with app.app_context():
            return figures_cache()

    def run_queued_recounts():
        """What a consumer would do: run the queued refresh_figures_now tasks (they recount and store)."""
        with app.app_context():
            while (task := huey.dequeue()) is not None:
                huey.execute(task)

    hours_ahead = [0]

    def ahead():
        """A clock later than the last one by an hour: the worker's figures, the database's
        snapshot and every recount so far are older than STATS_CACHE_SECONDS to it, and it is due
        to read the snapshot again."""
        hours_ahead[0] += 1
        shift = timedelta(hours=hours_ahead[0])
        return lambda: utcnow() + shift

    def new_worker(*, stale: bool = False):
        """An empty memory, as in a worker that just started; `stale`: its clock ahead (`ahead`)."""
        run_queued_recounts()
        app.extensions.pop(CACHE, None)
        if stale:
            cache().clock = ahead()

    def no_snapshot():
        new_worker()
        with app.app_context():
            db.session.execute(sa.delete(StatsSnapshot))
            db.session.commit()

    def stale():
        run_queued_recounts()
        cache().clock = ahead()

    client.get("/statistik")  # warm-up
    results = {
        "fill (s, 0 when reused)": filled,
        "/statistik cold (no snapshot: counts inline)": _median_ms(client, "/statistik", 7, before=no_snapshot),
        "/statistik first request of a worker, snapshot in the database": _median_ms(
            client, "/statistik", 7, before=new_worker
        ),
        "/statistik first request of a worker, stale snapshot": _median_ms(
            client, "/statistik", 7, before=lambda: new_worker(stale=True)
        ),
        "/statistik stale (reads the snapshot, queues a recount)": _median_ms(client, "/statistik", 7, before=stale),
    }
    new_worker()  # after the last recount, with the real clock
    client.get("/statistik")
    return (
        results
        | {
            "/statistik warm": _median_ms(client, "/statistik", 30),
            "/statistik/data.json warm": _median_ms(client, "/statistik/data.json", 30),
            "/open311/v2/requests.json (1000 rows)": _median_ms(client, "/open311/v2/requests.json", 10),
        }
        | queries
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roster", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", PG_DEFAULT))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--fill-only", metavar="URL", help="only fill this database (e.g. a dev database)")
    args = parser.parse_args()
    if args.fill_only:
        app = _app(args.fill_only)
        from flask_migrate import upgrade

        from portal.extensions import db

        with app.app_context():
            upgrade()
            fill_roster(db.session, args.roster)
            fill_complaints(db.session, args.complaints)
        return
    sqlite_path = Path(tempfile.gettempdir()) / f"sigap-statistik-{args.roster}-{args.complaints}.sqlite3"
    backends = {"SQLite": f"sqlite:///{sqlite_path}"}
    if not args.no_pg:
        backends["PostgreSQL"] = args.pg
        if args.pg == PG_DEFAULT:
            createdb = ["createdb", "-h", "127.0.0.1", "-U", "postgres", "sigap_bench_stats"]
            subprocess.run(createdb, capture_output=True)  # noqa: S603,S607 (PostgreSQL's own tool, fixed arguments)
    print(
        f"/statistik, roster {args.roster:,} rows, {args.complaints:,} complaints; "
        f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}"
    )
    for backend, url in backends.items():
        for name, value in measure(url, args.roster, args.complaints).items():
            unit = "s " if name.startswith("fill") else "ms"
            verdict = "" if unit == "s " or not name.startswith("/") else ("ok" if value < 100 else "OVER BUDGET")
            print(f"  {backend:<10} {name:<64} {value:8.1f} {unit} {verdict}")
        print(f"  load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
