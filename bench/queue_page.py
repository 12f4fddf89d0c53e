"""Officer queue page at 100,000 complaints: server time per request, SQLite and PostgreSQL.

    .venv/bin/python bench/queue_page.py [--complaints 100000] [--only overdue]
        [--sqlite /tmp/sigap-queue-100000.sqlite3] [--pg postgresql+psycopg://postgres@127.0.0.1/sigap_bench_queue]

Complaints are bulk-inserted with Core (filing 100,000 through the web form would measure the
access-code hash, not the queue): uniform random status and category (about 60% open, most of
those past their due date: a harsher mix than a real queue), names built like the demo roster's
(some with "H."/"Hj."), and assignments to 20 officers (90% of the cases past "diterima", 30% of
those still "diterima"). PostgreSQL gets VACUUM ANALYZE after the load (what autovacuum does in
production); SQLite gets no ANALYZE (the portal never runs it).

Each page is requested through the full Flask stack (routing, sign-in check, query, template)
with the test client, signed in as a supervisor; the figure is the median of 30 requests after
5 warm-up requests. Budget (DESIGN §7): under 100 ms. The load average is printed before and
after: the machine may be shared.
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

import pyotp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OFFICERS = 20
PASSWORD = "antrean-kota-2026"  # noqa: S105 (a bench account)
TOTP_KEY = "ANTREANKOTABEKASISIGAPBENCH23456"  # its second factor (base32)


def pages(officer_id: int, nik: str, reference: str) -> dict[str, str]:
    queue = "/petugas/pengaduan"
    return {
        "default (all, by due date)": queue,
        "status=diterima": f"{queue}?status=diterima",
        "overdue": f"{queue}?terlambat=1",
        "due soon (2 working days)": f"{queue}?segera=1",
        "kecamatan + category": f"{queue}?kecamatan=32.75.03&kategori=terlewat",
        "assigned to officer X": f"{queue}?ditugaskan={officer_id}",
        "htmx fragment, unassigned": f"{queue}?ditugaskan=belum",
        "search by name": f"{queue}?q=aminah",
        "search by NIK": f"POST {queue} {nik}",  # a NIK is searched by POST, never in an address
        "search by reference": f"{queue}?q={reference}",
        "page 200": f"{queue}?hal=200",
    }


def _accounts(session) -> list[int]:
    """The bench supervisor and 20 officers (created once); returns the officers' ids."""
    import sqlalchemy as sa

    from portal.accounts.services import accounts
    from portal.models import Account, Role

    wanted = [("bench@sigap.test", Role.SUPERVISOR)] + [
        (f"petugas{n}@sigap.test", Role.OFFICER) for n in range(1, OFFICERS + 1)
    ]
    for email, role in wanted:
        made = session.scalars(sa.select(Account).where(Account.email == email)).first()
        if made is None:
            made = accounts.create_account(
                session=session, email=email, name=email.split("@")[0].title(), role=role, password=PASSWORD
            )
        made.totp_secret, made.totp_enabled = TOTP_KEY, True  # every staff account has a second factor
    return list(session.scalars(sa.select(Account.id).where(Account.role == Role.OFFICER).order_by(Account.id)))


def _name(rng: random.Random) -> str:
    from portal.demo.services import roster as demo

    female = rng.random() < 0.5
    first = demo.FEMALE if female else demo.MALE
    parts = [rng.choice(first)] + ([rng.choice(first)] if rng.random() < 0.4 else []) + [rng.choice(demo.FAMILY)]
    name = " ".join(dict.fromkeys(parts))
    return (("Hj. " if female else "H. ") + name) if rng.random() < 0.08 else name


def fill(app, count: int) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal.core.base import utcnow
    from portal.core.regions import regions
    from portal.extensions import db
    from portal.models import Complaint, ComplaintCategory, ComplaintStatus

    with app.app_context():
        upgrade()
        officer_ids = _accounts(db.session)
        db.session.commit()
        if db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) >= count:
            return
        rng = random.Random(7)  # noqa: S311 (test data, not a secret)
        codes = sorted(regions().kelurahan)
        statuses, categories = list(ComplaintStatus), list(ComplaintCategory)
        now = utcnow()
        batch = []
        for i in range(count):
            created = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
            status = rng.choice(statuses)
            received = status is ComplaintStatus.DITERIMA
            batch.append(
                {
                    "reference": f"SGP-{created.year}-{i + 1:06d}",
                    "access_code_hash": "x",
                    "category": rng.choice(categories),
                    "status": status,
                    "confidential": rng.random() < 0.05,
                    "subject_nik": f"3275{rng.randint(10**11, 10**12 - 1)}",
                    "subject_name": _name(rng),
                    "kelurahan_code": rng.choice(codes),
                    "filer_relation": "sendiri",
                    "consent_recorded": False,
                    "phone": "+6281200000000",
                    "contact_channel": "whatsapp",
                    "description": "uji beban",
                    "created_at": created,
                    "updated_at": created,
                    "verify_due": (created + timedelta(days=5)).date(),
                    "resolve_due": (created + timedelta(days=20)).date(),
                    "verified_at": None if received else created + timedelta(days=2),
                    "appealed": False,
                    "version": 1,
                    "assigned_to_id": rng.choice(officer_ids) if rng.random() < (0.3 if received else 0.9) else None,
                }
            )
            if len(batch) == 5000:
                db.session.execute(Complaint.__table__.insert(), batch)
                batch = []
        if batch:
            db.session.execute(Complaint.__table__.insert(), batch)
        try:  # the name index (migration 0006); absent when measuring the code from before it
            from portal.complaints.services.search import reindex_names
        except ImportError:
            pass
        else:
            reindex_names(session=db.session)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))


def _open(client, path: str, headers: dict):
    """GET the page, or "POST path nik": the NIK search form (CSRF is off in this benchmark)."""
    if path.startswith("POST "):
        _method, path, nik = path.split(" ")
        return client.post(path, data={"nik": nik}, headers=headers)
    return client.get(path, headers=headers)


def measure(url: str, count: int, only: str) -> dict[str, float]:
    os.environ["SIGAP_ENV"] = "testing"
    import sqlalchemy as sa

    from portal import create_app
    from portal.extensions import db
    from portal.models import Complaint

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "NIK_HMAC_KEY": "bench-nik",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    fill(app, count)
    with app.app_context():
        officer_id = _accounts(db.session)[0]
        sample = db.session.execute(
            sa.select(Complaint.subject_nik, Complaint.reference).where(Complaint.id == count // 2)
        ).one()
        # The NIK search validates the NIK; the fill's NIKs are random digits: the sample gets a valid one.
        nik = "3275010703850001"
        db.session.execute(sa.update(Complaint).where(Complaint.id == count // 2).values(subject_nik=nik))
        db.session.commit()
        db.engine.dispose()
    client = app.test_client()
    client.post("/petugas/masuk", data={"email": "bench@sigap.test", "password": PASSWORD})
    signed = client.post("/petugas/masuk/kode", data={"code": pyotp.TOTP(TOTP_KEY).now()})
    assert signed.status_code == 303, "the bench account did not get in (its TOTP key, from an older run?)"
    results = {}
    for name, path in pages(officer_id, nik, sample.reference).items():
        if only and only not in name:
            continue
        headers = {"HX-Request": "true"} if "htmx" in name else {}
        for _ in range(5):
            assert _open(client, path, headers).status_code == 200
        times = []
        for _ in range(30):
            started = time.perf_counter()
            _open(client, path, headers)
            times.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(times)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/sigap_bench_queue")
    )
    parser.add_argument("--sqlite", help="SQLite file (default: one per --complaints in the temp folder)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    args = parser.parse_args()
    sqlite_path = Path(args.sqlite or Path(tempfile.gettempdir()) / f"sigap-queue-{args.complaints}.sqlite3")
    backends = {"SQLite": f"sqlite:///{sqlite_path}"} | ({} if args.no_pg else {"PostgreSQL": args.pg})
    if not args.no_pg and args.pg.rsplit("/", 1)[-1].startswith("sigap_bench_queue"):
        os.system(f"createdb -h 127.0.0.1 -U postgres {args.pg.rsplit('/', 1)[-1]} 2>/dev/null")  # noqa: S605
    print(
        f"Queue page, {args.complaints:,} complaints, median of 30 requests (ms); "
        f"load average {os.getloadavg()[0]:.1f}:"
    )
    for backend, url in backends.items():
        for name, ms in measure(url, args.complaints, args.only).items():
            verdict = "ok" if ms < 100 else "OVER BUDGET"
            print(f"  {backend:<10} {name:<32} {ms:7.1f} ms  {verdict}", flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)")


if __name__ == "__main__":
    main()
