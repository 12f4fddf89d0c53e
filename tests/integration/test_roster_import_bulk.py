"""The roster import's bulk path (PostgreSQL: COPY into a staging table, set-wise merge) and the
chunked one (SQLite) keep the same rules: line-numbered rejects wherever they fall in a COPY
segment, idempotence, a NIK twice in one file, text COPY must escape, progress."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Person, PersonStatusHistory, RosterImportBatch
from portal.roster.labels import row_problem
from portal.roster.services.importing import import_roster
from tests.factories import roster_csv, roster_row
from tests.helpers.roster import person_groups, stored_groups

TODAY = date(2026, 11, 1)


def run(data: io.BytesIO, *, chunk_size: int | None = None, progress: list | None = None):
    rejects: list = []
    result = import_roster(
        session=db.session,
        stream=data,
        filename="roster.csv",
        imported_by="test",
        on_reject=lambda line, kind, problem, raw: rejects.append((line, kind, row_problem(problem), raw)),
        on_progress=progress.append if progress is not None else None,
        today=TODAY,
        chunk_size=chunk_size,
    )
    db.session.commit()
    return result, rejects


def people() -> list[tuple]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                Person.nik,
                Person.nama,
                Person.pekerjaan,
                Person.status,
                Person.alasan,
                Person.kpj,
                Person.tanggal_data,
                Person.import_batch_id,
                Person.updated_at,
            ).order_by(Person.nik)
        )
    ]


def persons(count: int, start: int = 1) -> list[dict[str, str]]:
    return [roster_row(birth=date(1970, 1, 1 + n % 28), female=n % 2 == 1) for n in range(start, start + count)]


def niks(rows: list[dict[str, str]]) -> list[str]:
    return [row["nik"] for row in rows]


def test_a_reject_in_the_middle_of_a_copy_segment_keeps_its_line_and_the_rows_around_it(app):
    rows = persons(9)
    rows[3] = {**rows[3], "kelurahan": "99.99.99.9999"}  # line 5
    rows[6] = {**rows[6], "status": "aktip"}  # line 8
    for chunk_size in (None, 4):  # one segment, then segments of four rows (a reject in each)
        db.session.execute(sa.delete(Person))
        result, rejects = run(roster_csv(rows), chunk_size=chunk_size)
        assert (result.rows_read, result.inserted, result.rejected) == (9, 7, 2)
        assert [(line, kind) for line, kind, _, _ in rejects] == [(5, "ditolak"), (8, "ditolak")]
        assert "kelurahan" in rejects[0][2].lower() and "aktip" in rejects[1][2]
        assert [p[0] for p in people()] == sorted(niks(rows[:3] + rows[4:6] + rows[7:]))


def test_a_reimport_of_the_same_file_changes_nothing(app):
    first = persons(30)
    run(roster_csv(first))
    second = [
        {**row, "status": "nonaktif", "alasan": "pindah", "kpj": "", "mulai": "", "selesai": ""} if n % 3 == 0 else row
        for n, row in enumerate(first)
    ]
    second = [{**row, "tanggal_data": "2026-10-15"} for row in second] + persons(5, start=40)
    result, _ = run(roster_csv(second), chunk_size=7)
    assert (result.inserted, result.updated, result.status_changes) == (5, 30, 10)
    before = (people(), stored_groups(), db.session.scalar(sa.select(sa.func.count()).select_from(PersonStatusHistory)))
    for chunk_size in (None, 7):
        again, rejects = run(roster_csv(second), chunk_size=chunk_size)
        assert (again.inserted, again.updated, again.unchanged, again.rejected, again.status_changes) == (
            0,
            0,
            35,
            0,
            0,
        )
        assert rejects == []
        history = db.session.scalar(sa.select(sa.func.count()).select_from(PersonStatusHistory))
        assert (people(), stored_groups(), history) == before
    assert stored_groups() == person_groups()


def test_a_nik_twice_in_one_file_the_first_row_wins_and_the_later_is_rejected(app):
    row = roster_row()
    later = {**row, "status": "nonaktif", "alasan": "meninggal", "kpj": "", "mulai": "", "selesai": ""}
    others = persons(3, start=10)
    for chunk_size in (None, 2):  # in one segment (chunk), then in two
        db.session.execute(sa.delete(Person))
        result, rejects = run(roster_csv([row, *others, later]), chunk_size=chunk_size)
        assert (result.inserted, result.updated, result.unchanged, result.rejected) == (4, 0, 0, 1)
        [(line, kind, reason, raw)] = rejects
        assert (line, kind, raw["nik"], raw["alasan"]) == (6, "ditolak", row["nik"], "meninggal")
        assert "NIK ini juga ada di baris 2" in reason
        assert db.session.scalars(sa.select(Person.status).where(Person.nik == row["nik"])).one() == "aktif"
        assert stored_groups() == person_groups()


def test_a_row_older_than_stored_is_rejected_with_its_line_and_nik_as_written(app):
    rows = persons(4)
    run(roster_csv(rows))
    nik = rows[2]["nik"]
    written = f"{nik[:4]}.{nik[4:8]}.{nik[8:12]}.{nik[12:]}"
    stale = {**rows[2], "nik": written, "nama": "  Nama   Lama ", "tanggal_data": "2026-04-01"}
    newer = {**rows[1], "tanggal_data": "2026-10-20"}
    result, rejects = run(roster_csv([persons(1, start=20)[0], newer, stale]), chunk_size=None)
    assert (result.inserted, result.updated, result.rejected) == (1, 1, 1)
    [(line, kind, reason, raw)] = rejects
    assert (line, kind) == (4, "ditolak") and "lebih lama" in reason
    assert (raw["nik"], raw["nama"], raw["tanggal_data"]) == (written, "  Nama   Lama ", "2026-04-01")
    batch = db.session.get(RosterImportBatch, result.batch_id)
    assert (batch.rows_read, batch.inserted, batch.updated, batch.rejected) == (3, 1, 1, 1)


def test_text_that_copy_escapes_is_stored_as_written(app):
    job = "tukang\\ servis\tkeliling\nmalam"
    rows = [roster_row(nama="Budi \\ Santoso", pekerjaan=job), *persons(2, start=5)]
    result, rejects = run(roster_csv(rows))
    assert result.inserted == 3 and rejects == []
    stored = db.session.execute(sa.select(Person.nama, Person.pekerjaan).where(Person.nik == rows[0]["nik"])).one()
    assert tuple(stored) == ("Budi \\ Santoso", job)
    again, _ = run(roster_csv(rows))
    assert again.unchanged == 3


def test_progress_counts_the_rows_read(app):
    progress: list[int] = []
    rows = persons(10)
    rows[4] = {**rows[4], "nik": "123"}
    result, _ = run(roster_csv(rows), chunk_size=3, progress=progress)
    assert progress == sorted(progress) and progress[-1] == result.rows_read == 10
    assert len(progress) >= 3


def test_the_import_leaves_no_staging_table_nor_changed_setting(app):
    if db.engine.dialect.name != "postgresql":
        return
    work_mem = db.session.scalar(sa.text("SELECT current_setting('work_mem')"))
    rows = persons(3)
    import_roster(session=db.session, stream=roster_csv(rows), filename="r.csv", imported_by="t", today=TODAY)
    assert db.session.scalar(sa.text("SELECT to_regclass('pg_temp.roster_stage')")) is None
    assert db.session.scalar(sa.text("SELECT to_regclass('pg_temp.roster_diff')")) is None
    assert db.session.scalar(sa.text("SELECT current_setting('work_mem')")) == work_mem
    db.session.commit()
    # and a second import in the same session finds no leftovers either
    result, _ = run(roster_csv(rows))
    assert result.unchanged == 3


def test_an_empty_file_or_only_bad_rows_write_nothing_but_the_batch(app):
    result, rejects = run(roster_csv([roster_row(nik="1"), roster_row(kelurahan="0")]))
    assert (result.rows_read, result.rejected, result.inserted) == (2, 2, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0
