"""The roster import as a killable subprocess, and the roster counts checked against the person table."""

# ruff: noqa: S603 (a fixed command: this venv's flask)
from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.models import Person, PersonStatus
from portal.roster.services import summary as roster_summary
from portal.statistics.services.figures import MONTHLY_PREMIUM, compute_figures
from tests.helpers import wait_until

BUDGET_YEAR = 2026


RECOUNTED = "roster_summary did not match person"


def _months(start: date, end: date, year: int | None = None) -> int:
    """Months of coverage, counted by walking them (the oracle's own arithmetic)."""
    months, y, m = 0, start.year, start.month
    while (y, m) <= (end.year, end.month):
        if year is None or y == year:
            months += 1
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def oracle() -> dict:
    """The roster figures computed person by person from `person`."""
    by_status: dict[str, int] = {}
    places: dict[tuple[str, str], int] = {}
    total = in_year = 0
    newest = None
    for person in db.session.scalars(sa.select(Person)):
        by_status[person.status.value] = by_status.get(person.status.value, 0) + 1
        if person.status is not PersonStatus.AKTIF:
            continue
        key = (person.kelurahan_code[:8], person.jenis_kelamin.value)
        places[key] = places.get(key, 0) + 1
        total += _months(person.mulai, person.selesai) * MONTHLY_PREMIUM
        in_year += _months(person.mulai, person.selesai, BUDGET_YEAR) * MONTHLY_PREMIUM
        newest = person.tanggal_data if newest is None else max(newest, person.tanggal_data)
    return {
        "active": sum(places.values()),
        "waiting": by_status.get("daftar_tunggu", 0),
        "in_process": by_status.get("proses", 0),
        "participants": places,
        "committed_total": total,
        "committed_in_year": in_year,
        "data_date": newest,
    }


def published() -> dict:
    """The same figures as /statistik counts them (from roster_summary)."""
    f = compute_figures(
        session=db.session,
        quota=1000,
        budget=10**9,
        budget_year=BUDGET_YEAR,
        now=datetime(2026, 11, 2, tzinfo=UTC),
        calendar=WorkCalendar(),
    )
    return {
        "active": f.active,
        "waiting": f.waiting,
        "in_process": f.in_process,
        "participants": f.participants,
        "committed_total": f.budget.committed_total,
        "committed_in_year": f.budget.committed_in_year,
        "data_date": f.data_date,
    }


def stored_groups() -> list[tuple]:
    return sorted(roster_summary.groups(session=db.session), key=repr)


def person_groups() -> list[tuple]:
    columns = [Person.__table__.c[c] for c in roster_summary.GROUP_COLUMNS]
    return sorted(
        (tuple(r) for r in db.session.execute(sa.select(*columns, sa.func.count()).group_by(*columns))), key=repr
    )


ROOT = Path(__file__).resolve().parents[2]


FLASK = str(Path(sys.executable).parent / "flask")


def import_command(csv: Path, database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "SIGAP_ENV": "development",
        "SECRET_KEY": "drill",
        "NIK_HMAC_KEY": "nik-key-not-for-production",
        "DATABASE_URL": database_url,
    }
    env.pop("SIGAP_PROGRESS", None)
    return subprocess.Popen(
        [FLASK, "--app", "wsgi", "roster", "import", str(csv)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_position(pid: int, path: Path) -> int | None:
    """How far the process has read `path` (its file offset, from /proc)."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return int(Path(f"/proc/{pid}/fdinfo/{fd}").read_text().split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def run_until_read(process: subprocess.Popen, path: Path, share: float = 0.4) -> int:
    """Wait until the import has read `share` of its file (or ended); return its position."""
    size, position = path.stat().st_size, 0

    def far_enough() -> bool:
        nonlocal position
        if process.poll() is not None:
            return True
        position = read_position(process.pid, path) or 0
        return position >= share * size

    wait_until(far_enough, timeout=300, what=f"the import did not read {share:.0%} of its file", every=0.005)
    assert process.poll() is None, f"the import ended before it could be killed:\n{process.communicate()}"
    return position


def transactions_rolled_back(conn: sa.Connection) -> None:
    """PostgreSQL rolls back a killed client's transaction once it notices the dead socket."""
    wait_until(lambda: not writing_to_person(conn), timeout=60, what="the killed import's rows are still locked")


def writing_to_person(conn: sa.Connection) -> bool:
    """PostgreSQL: another session holds a write lock on `person` (rows in its transaction)."""
    return bool(
        conn.scalar(
            sa.text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'person' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()"
            )
        )
    )
