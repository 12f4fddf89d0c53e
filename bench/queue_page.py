"""Officer queue page at 100,000 complaints: server time per request, SQLite and PostgreSQL.

    .venv/bin/python bench/queue_page.py [--complaints 100000] [--pg postgresql://postgres@127.0.0.1/sigap_bench_queue]

Complaints are bulk-inserted with Core (filing 100,000 through the web form would measure the
access-code hash, not the queue). Each page is requested through the full Flask stack (routing,
sign-in check, query, template) with the test client; the figure is the median of 30 requests
after 5 warm-up requests. Budget (DESIGN §7): under 100 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {
    "default (all, by due date)": "/petugas/pengaduan",
    "status=diterima": "/petugas/pengaduan?status=diterima",
    "overdue": "/petugas/pengaduan?terlambat=1",
    "kecamatan + category": "/petugas/pengaduan?kecamatan=32.75.03&kategori=terlewat",
    "search by name": "/petugas/pengaduan?q=aminah",
    "page 200": "/petugas/pengaduan?hal=200",
    "htmx fragment, unassigned": "/petugas/pengaduan?ditugaskan=belum",
}


def fill(app, count: int) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.models import Complaint, ComplaintCategory, ComplaintStatus
    from portal.models.base import utcnow
    from portal.services import demo
    from portal.services.regions import regions

    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) >= count:
            return
        rng = random.Random(7)
        codes = sorted(regions().kelurahan)
        statuses = list(ComplaintStatus)
        categories = list(ComplaintCategory)
        now = utcnow()
        table = Complaint.__table__
        batch = []
        for i in range(count):
            created = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
            batch.append({
                "reference": f"SGP-{created.year}-{i + 1:06d}", "access_code_hash": "x",
                "category": rng.choice(categories), "status": rng.choice(statuses),
                "confidential": rng.random() < 0.05, "subject_nik": f"3275{rng.randint(10**11, 10**12 - 1)}",
                "subject_name": f"{rng.choice(demo.FEMALE + demo.MALE)} {rng.choice(demo.FAMILY)}",
                "kelurahan_code": rng.choice(codes), "filer_relation": "sendiri", "consent_recorded": False,
                "phone": "+6281200000000", "contact_channel": "whatsapp", "description": "uji beban",
                "created_at": created, "updated_at": created, "verify_due": (created + timedelta(days=5)).date(),
                "resolve_due": (created + timedelta(days=20)).date(), "appealed": False, "version": 1,
            })  # fmt: skip
            if len(batch) == 5000:
                db.session.execute(table.insert(), batch)
                batch = []
        if batch:
            db.session.execute(table.insert(), batch)
        db.session.commit()


def measure(url: str, count: int) -> dict[str, float]:
    os.environ["SIGAP_ENV"] = "testing"
    from portal import create_app
    from portal.extensions import db
    from portal.services import accounts

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False})  # fmt: skip
    fill(app, count)
    with app.app_context():
        from portal.models import Account, Role

        supervisor = db.session.query(Account).filter_by(email="bench@sigap.test").first()
        if supervisor is None:
            supervisor = accounts.create_account(session=db.session, email="bench@sigap.test", name="Bench",
                                                 role=Role.SUPERVISOR, password="antrean-kota-2026")  # fmt: skip
            db.session.commit()
    client = app.test_client()
    client.post("/petugas/masuk", data={"email": "bench@sigap.test", "password": "antrean-kota-2026"})
    results = {}
    for name, path in PAGES.items():
        headers = {"HX-Request": "true"} if "htmx" in name else {}
        for _ in range(5):
            assert client.get(path, headers=headers).status_code == 200
        times = []
        for _ in range(30):
            started = time.perf_counter()
            client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(times)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/sigap_bench_queue"))
    args = parser.parse_args()
    sqlite_path = Path(tempfile.gettempdir()) / f"sigap-queue-{args.complaints}.sqlite3"
    backends = {"SQLite": f"sqlite:///{sqlite_path}", "PostgreSQL": args.pg}
    if "sigap_bench_queue" in args.pg:
        os.system("createdb -h 127.0.0.1 -U postgres sigap_bench_queue 2>/dev/null")
    print(f"Queue page, {args.complaints:,} complaints, median of 30 requests (ms):")
    for backend, url in backends.items():
        for name, ms in measure(url, args.complaints).items():
            verdict = "ok" if ms < 100 else "OVER BUDGET"
            print(f"  {backend:<10} {name:<32} {ms:7.1f} ms  {verdict}")


if __name__ == "__main__":
    main()
