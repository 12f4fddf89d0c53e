"""The roster's per-group counts (roster_summary) against `person` itself.

The oracle counts the public figures the slow, obvious way: person by person from `person`, the
months of each coverage walked one by one. After every import of a varied history (every status
and reason, both sexes, coverage that crosses years, people without coverage, moves between
kelurahan and periods, newer snapshots, older rows rejected, a NIK twice in one file, bad rows),
/statistik's figures must equal the oracle's, and the stored groups must equal a GROUP BY over
`person`. Statistics must not read `person` at all.
"""

# ruff: noqa: S311 (seeded test data, not secrets)
from __future__ import annotations

import io
import logging
import random
import re
from datetime import date

import pytest
import sqlalchemy as sa

from portal.core.errors import RosterFileError
from portal.extensions import db
from portal.models import Person, PersonStatus
from portal.roster.labels import file_error
from portal.roster.services import summary as roster_summary
from portal.roster.services.importing import import_roster
from tests.factories import make_nik, roster_csv
from tests.helpers.roster import RECOUNTED, oracle, person_groups, published, stored_groups

KELURAHAN = ("32.75.01.1001", "32.75.01.1002", "32.75.02.1001", "32.75.03.1001", "32.75.07.1003", "32.75.12.1001")
PERIODS = (
    (date(2025, 11, 1), date(2026, 12, 31)),  # crosses into the budget year
    (date(2026, 3, 15), date(2027, 2, 28)),  # starts mid-month, ends the year after
    (date(2024, 6, 1), date(2025, 5, 31)),  # wholly before the budget year
    (date(2026, 12, 1), date(2027, 1, 31)),
    (date(2026, 5, 1), date(2026, 5, 31)),  # one month
)
NOT_ACTIVE = (
    ("proses", ""),
    ("daftar_tunggu", ""),
    ("nonaktif", "pindah"),
    ("nonaktif", "meninggal"),
    ("tidak_memenuhi_syarat", "bukan_dtsen"),
    ("tidak_memenuhi_syarat", "desil_di_atas_5"),
    ("tidak_memenuhi_syarat", "bukan_warga_kota_bekasi"),
    ("tidak_memenuhi_syarat", "sudah_peserta_lain"),
)


@pytest.fixture
def portal_log(caplog):
    """Warnings of the "portal" logger (migrations/env.py keeps it enabled when the test session
    runs the migrations in this process)."""
    assert not logging.getLogger("portal").disabled
    caplog.set_level(logging.WARNING, logger="portal")
    return caplog


def _row(rng: random.Random, nik: str, female: bool, birth: date, snapshot: str) -> dict[str, str]:
    if rng.random() < 0.6:
        status, reason = "aktif", ""
    else:
        status, reason = rng.choice(NOT_ACTIVE)
    covered = status == "aktif" or reason == "meninggal" and rng.random() < 0.5
    start, end = rng.choice(PERIODS) if covered else ("", "")
    return {
        "nik": nik,
        "nama": "Warga Uji",
        "tanggal_lahir": birth.isoformat(),
        "jenis_kelamin": "P" if female else "L",
        "kelurahan": rng.choice(KELURAHAN),
        "pekerjaan": "pedagang",
        "desil": str(rng.randint(1, 5)),
        "status": status,
        "alasan": reason,
        "kpj": f"25{rng.randrange(10**9):09d}" if covered else "",
        "mulai": str(start),
        "selesai": str(end),
        "tanggal_data": snapshot,
    }


def _people(rng: random.Random, count: int) -> list[tuple[str, bool, date]]:
    people = []
    for _ in range(count):
        female = rng.random() < 0.45
        birth = date(1960 + rng.randrange(40), rng.randint(1, 12), rng.randint(1, 28))
        people.append((make_nik(birth=birth, female=female), female, birth))
    return people


def _import(rows) -> None:
    import_roster(
        session=db.session, stream=roster_csv(rows), filename="r.csv", imported_by="t", today=date(2026, 11, 1)
    )
    db.session.commit()


def assert_summary_matches_person() -> None:
    assert stored_groups() == person_groups()
    assert all(row[-1] > 0 for row in stored_groups())  # empty groups are removed
    assert published() == oracle()


def test_figures_from_the_summary_equal_the_figures_from_person_after_every_import(app, portal_log):
    rng = random.Random(20261121)
    people = _people(rng, 400)
    first = [_row(rng, nik, female, birth, "2026-07-01") for nik, female, birth in people[:300]]
    _import(first)
    assert_summary_matches_person()
    assert {row[0] for row in stored_groups()} == {s.value for s in PersonStatus}  # every status is there
    assert published()["committed_in_year"] < published()["committed_total"]  # coverage crosses years

    # The next month: everyone known gets a newer snapshot, some move (status, kelurahan, coverage,
    # sex corrected), some keep everything; 100 new people; a NIK twice; an older row; bad rows.
    second = []
    for n, (nik, female, birth) in enumerate(people):
        if n % 7 == 0 and n < 300:
            continue  # not in this month's file: keeps the July snapshot
        row = _row(rng, nik, female, birth, "2026-08-01")
        if n % 11 == 0:
            row["jenis_kelamin"] = "L" if female else "P"  # warning only: the NIK says otherwise
        second.append(row)
    second.append({**second[3], "status": "nonaktif", "alasan": "pindah", "kpj": "", "mulai": "", "selesai": ""})
    second.append({**first[7], "tanggal_data": "2026-06-01"})  # older than stored: rejected
    second.append({**second[5], "kelurahan": "99.99.99.9999"})  # bad row: rejected
    _import(second)
    assert_summary_matches_person()
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Person.tanggal_data)))) == 2

    before = stored_groups()
    _import(second)  # the same file again: nothing changes
    assert stored_groups() == before
    assert_summary_matches_person()

    # Everyone active leaves: groups empty out and disappear, the figures fall to zero.
    third = [
        {**_row(rng, nik, female, birth, "2026-09-01"), "status": "nonaktif", "alasan": "pindah"}
        for nik, female, birth in people
    ]
    _import(third)
    assert_summary_matches_person()
    assert published()["active"] == 0 and published()["data_date"] is None
    assert RECOUNTED not in portal_log.text  # every import kept the counts itself, none fell back


def test_statistics_never_read_the_person_table(app):
    rng = random.Random(5)
    _import([_row(rng, nik, female, birth, "2026-07-01") for nik, female, birth in _people(rng, 30)])
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    expected = oracle()
    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        figures = published()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    assert figures == expected and figures["active"] > 0
    assert any("roster_summary" in s for s in statements)
    assert not [s for s in statements if re.search(r"\b(FROM|JOIN)\s+person\b", s, re.IGNORECASE)]


def test_an_import_after_person_was_written_behind_its_back_counts_again(app, portal_log):
    """Rows written straight into `person` (not through an import): the next import notices the
    totals differ and counts every group again, so the figures are right once more."""
    rng = random.Random(9)
    people = _people(rng, 20)
    _import([_row(rng, nik, female, birth, "2026-07-01") for nik, female, birth in people[:10]])
    stray = _row(rng, people[19][0], people[19][1], people[19][2], "2026-07-01")
    db.session.add(
        Person(
            nik=stray["nik"],
            nama="Di Luar Impor",
            tanggal_lahir=people[19][2],
            jenis_kelamin=stray["jenis_kelamin"],
            kelurahan_code=stray["kelurahan"],
            status="daftar_tunggu",
            tanggal_data=date(2026, 7, 1),
        )
    )
    db.session.commit()
    assert stored_groups() != person_groups()
    _import([_row(rng, nik, female, birth, "2026-08-01") for nik, female, birth in people[10:15]])
    assert RECOUNTED in portal_log.text
    assert_summary_matches_person()


def test_recount_gives_the_same_groups_as_the_import(app):
    rng = random.Random(3)
    _import([_row(rng, nik, female, birth, "2026-07-01") for nik, female, birth in _people(rng, 60)])
    kept = stored_groups()
    assert roster_summary.recount(session=db.session) == len(kept)
    db.session.commit()
    assert stored_groups() == kept


def test_an_import_that_fails_halfway_leaves_the_counts_as_they_were(app):
    rng = random.Random(4)
    people = _people(rng, 20)
    _import([_row(rng, nik, female, birth, "2026-07-01") for nik, female, birth in people])
    before = stored_groups()
    rows = [_row(rng, nik, female, birth, "2026-08-01") for nik, female, birth in people + _people(rng, 10)]
    data = roster_csv(rows).getvalue() + "3275010703850099,José,1985-03-07\n".encode("latin-1")
    with pytest.raises(RosterFileError) as caught:  # after 30 rows were written, 5 at a time
        import_roster(
            session=db.session,
            stream=io.BytesIO(data),
            filename="x.csv",
            imported_by="t",
            today=date(2026, 11, 1),
            chunk_size=5,
        )
    assert "UTF-8" in file_error(caught.value)
    db.session.rollback()
    assert stored_groups() == before
    assert_summary_matches_person()
