"""roster_summary under the import's failure modes, through the real CLI in child processes:
an import killed with SIGKILL halfway leaves the counts exactly as they were (they are written in
the import's one transaction), the rerun leaves them equal to `person`; and on PostgreSQL two
imports started at the same time run one after the other, so neither counts moves from rows the
other is changing."""

# ruff: noqa: S603 (this venv's flask)
from __future__ import annotations

import os
import signal
from datetime import date
from pathlib import Path

import pytest

from portal.demo.services.roster import demo_rows, write_roster_csv
from portal.extensions import db
from tests.helpers.roster import (
    RECOUNTED,
    import_command,
    oracle,
    person_groups,
    published,
    run_until_read,
    stored_groups,
    transactions_rolled_back,
)

MIX = {
    ("aktif", ""): 14_000,
    ("daftar_tunggu", ""): 4_000,
    ("proses", ""): 1_000,
    ("nonaktif", "meninggal"): 500,
    ("tidak_memenuhi_syarat", "bukan_dtsen"): 500,
}
BASE = 1_000


def _rows() -> list[dict[str, str]]:
    return list(demo_rows(seed=17, counts=MIX, data_date=date(2026, 9, 1)))


def _next_month(rows: list[dict[str, str]], *, shift: int) -> list[dict[str, str]]:
    """Next month's file: every row newer; of the first BASE people some leave, some move
    kelurahan, some get a new coverage period (which ones depends on `shift`)."""
    changed = []
    for n, row in enumerate(rows):
        row = {**row, "tanggal_data": "2026-10-01"}
        if n < BASE and (n + shift) % 5 == 0:
            row.update(status="nonaktif", alasan="pindah", kpj="", mulai="", selesai="")
        elif n < BASE and (n + shift) % 5 == 1:
            row.update(kelurahan="32.75.12.1001")
        elif n < BASE and (n + shift) % 5 == 2 and row["status"] == "aktif":
            row.update(mulai="2026-10-01", selesai="2027-09-30")
        changed.append(row)
    return changed


def _write(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        write_roster_csv(rows, handle)
    return path


def _assert_counts_match_person() -> None:
    db.session.expire_all()
    assert stored_groups() == person_groups()
    assert published() == oracle()


def test_an_import_killed_halfway_leaves_the_counts_as_they_were(app, database_url, tmp_path):
    rows = _rows()
    base = _write(tmp_path / "september.csv", rows[:BASE])
    big = _write(tmp_path / "oktober.csv", _next_month(rows, shift=0))
    result = app.test_cli_runner().invoke(args=["roster", "import", str(base)])
    assert result.exit_code == 0, result.output
    before = stored_groups()
    _assert_counts_match_person()

    process = import_command(big, database_url)
    run_until_read(process, big)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    if database_url.startswith("postgresql"):  # the server rolls the dead client's transaction back
        with db.engine.connect() as conn:
            transactions_rolled_back(conn)
    assert stored_groups() == before
    _assert_counts_match_person()

    rerun = import_command(big, database_url)
    _out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err[-2000:]
    assert RECOUNTED not in err
    assert stored_groups() != before
    _assert_counts_match_person()


def test_two_imports_at_once_run_one_after_the_other(app, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time anyway")
    rows = _rows()
    known = 3 * BASE  # the contested BASE people share their groups with 2,000 others, so a
    # miscount cannot drive a group below zero (which would make the import count everything again)
    result = app.test_cli_runner().invoke(args=["roster", "import", str(_write(tmp_path / "base.csv", rows[:known]))])
    assert result.exit_code == 0, result.output
    # Both files change the same BASE people differently; each brings its own new people.
    half = known + (len(rows) - known) // 2
    first = _write(tmp_path / "a.csv", _next_month(rows[:BASE] + rows[known:half], shift=0))
    second = _write(tmp_path / "b.csv", _next_month(rows[:BASE] + rows[half:], shift=2))
    runs = [import_command(first, database_url), import_command(second, database_url)]
    for run in runs:
        _out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err[-2000:]
        assert RECOUNTED not in err  # right because they took turns, not because one counted again
    _assert_counts_match_person()
