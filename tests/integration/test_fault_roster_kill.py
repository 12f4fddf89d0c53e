"""`flask roster import` killed with SIGKILL halfway through a large file (SQLite and
PostgreSQL): the import is one transaction, so the killed run leaves nothing (no batch, no
person, no status change) and the roster is exactly as before; running the same command again
completes with the right counts and no duplicates."""

# ruff: noqa: S603, S607 (fixed commands: system tools and this venv's scripts)
from __future__ import annotations

import hashlib
import os
import re
import signal
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from portal.demo.services.roster import demo_rows, write_roster_csv
from portal.extensions import db
from tests.helpers.roster import (
    import_command,
    run_until_read,
    transactions_rolled_back,
    writing_to_person,
)

BASE_ROWS, NEW_ROWS, CHANGED = 2_000, 50_000, 500


def write_files(folder: Path) -> tuple[Path, Path]:
    """Last month's roster (2,000 people), then this month's: the same people, 500 of them now
    inactive, and 50,000 new people."""
    rows = list(demo_rows(seed=7, counts={("aktif", ""): BASE_ROWS + NEW_ROWS}, data_date=date(2026, 9, 1)))
    base, big = folder / "roster-september.csv", folder / "roster-oktober.csv"
    with base.open("w", encoding="utf-8") as handle:
        write_roster_csv(rows[:BASE_ROWS], handle)
    for n, row in enumerate(rows):
        row["tanggal_data"] = "2026-10-01"
        if n < CHANGED:
            row.update(status="nonaktif", alasan="pindah", kpj="", mulai="", selesai="")
    with big.open("w", encoding="utf-8") as handle:
        write_roster_csv(rows, handle)
    return base, big


def roster_state() -> tuple[int, int, int, str]:
    """Batches, people, status changes, and a digest of every person's row."""
    with db.engine.connect() as conn:
        batches = conn.scalar(sa.text("SELECT count(*) FROM roster_import_batch"))
        history = conn.scalar(sa.text("SELECT count(*) FROM person_status_history"))
        people = conn.execute(
            sa.text("SELECT nik, nama, status, alasan, kpj, tanggal_data, import_batch_id FROM person ORDER BY nik")
        ).all()
    digest = hashlib.sha256(repr([tuple(map(str, row)) for row in people]).encode()).hexdigest()
    return batches, len(people), history, digest


def test_an_import_killed_halfway_leaves_nothing_and_the_rerun_completes(app, database_url, tmp_path):
    base, big = write_files(tmp_path)
    result = app.test_cli_runner().invoke(args=["roster", "import", str(base)])
    assert result.exit_code == 0 and f"{BASE_ROWS} baru" in result.output, result.output
    before = roster_state()
    assert before[:2] == (1, BASE_ROWS)
    postgres = database_url.startswith("postgresql")

    process = import_command(big, database_url)
    position, size = run_until_read(process, big), big.stat().st_size
    if postgres:
        with db.engine.connect() as conn:
            assert writing_to_person(conn)  # rows were being written in the open transaction
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL and 0.4 * size <= position < size
    if postgres:  # the server notices the dead client and rolls its transaction back
        with db.engine.connect() as conn:
            transactions_rolled_back(conn)

    assert roster_state() == before  # no batch, no person, no status change from the killed run

    rerun = import_command(big, database_url)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err[-2000:]
    counts = re.search(r"(\d+) baris dibaca, (\d+) baru, (\d+) diperbarui, (\d+) tidak berubah, (\d+) ditolak", out)
    assert counts and tuple(map(int, counts.groups())) == (
        BASE_ROWS + NEW_ROWS,
        NEW_ROWS,
        BASE_ROWS,
        0,
        0,
    )  # every old row has a newer snapshot
    batches, people, history, _ = roster_state()
    assert (batches, people, history) == (2, BASE_ROWS + NEW_ROWS, before[2] + CHANGED)
    with db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(DISTINCT nik) FROM person")) == people
        assert conn.scalar(sa.text("SELECT count(*) FROM person WHERE status = 'nonaktif'")) == CHANGED
        assert conn.scalar(sa.text("SELECT count(*) FROM roster_import_batch WHERE finished_at IS NULL")) == 0
