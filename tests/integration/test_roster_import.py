import csv
import io

import pytest
import sqlalchemy as sa

from portal.core.errors import RosterFileError
from portal.extensions import db
from portal.models import (
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Person,
    PersonStatus,
    PersonStatusHistory,
    RosterImportBatch,
)
from portal.roster.labels import file_error, row_problem
from portal.roster.services.importing import import_roster
from tests.factories import roster_csv, roster_row


def run_import(data: io.BytesIO, rejects: list | None = None):
    sink = (
        (lambda line, kind, problem, raw: rejects.append((line, kind, row_problem(problem))))
        if rejects is not None
        else None
    )
    result = import_roster(session=db.session, stream=data, filename="roster.csv", imported_by="test", on_reject=sink)
    db.session.commit()
    return result


def read_rejects(path) -> list[dict]:
    """The CLI's rejects file: the officers' CSV format (a byte order mark, `;`, CRLF)."""
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode()) and data.endswith(b"\r\n")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_imports_good_rows_and_rejects_bad_ones_with_line_numbers(app):
    rows = [roster_row(), roster_row(nik="12"), roster_row(female=True), roster_row(status="aktip")]
    rejects: list = []
    result = run_import(roster_csv(rows), rejects)
    assert (result.rows_read, result.inserted, result.rejected) == (4, 2, 2)
    assert [(line, kind) for line, kind, _ in rejects] == [(3, "ditolak"), (5, "ditolak")]
    assert count(Person) == 2


def test_import_is_idempotent(app):
    rows = [roster_row(), roster_row(female=True)]
    run_import(roster_csv(rows))
    again = run_import(roster_csv(rows))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert count(Person) == 2
    assert count(RosterImportBatch) == 2


def test_bom_and_crlf_are_accepted(app):
    result = run_import(roster_csv([roster_row(), roster_row()], bom=True, crlf=True))
    assert result.inserted == 2 and result.rejected == 0


def test_status_change_keeps_the_old_status_in_history(app):
    row = roster_row(status="daftar_tunggu", kpj="", mulai="", selesai="", tanggal_data="2026-07-01")
    run_import(roster_csv([row]))
    row.update(status="aktif", kpj="25000000009", mulai="2026-08-01", selesai="2026-12-31", tanggal_data="2026-10-01")
    result = run_import(roster_csv([row]))
    assert result.updated == 1 and result.status_changes == 1
    person = db.session.scalars(sa.select(Person)).one()
    assert person.status is PersonStatus.AKTIF and person.kpj == "25000000009"
    history = db.session.scalars(sa.select(PersonStatusHistory)).one()
    assert (history.old_status, history.new_status) == (PersonStatus.DAFTAR_TUNGGU, PersonStatus.AKTIF)
    assert history.person_id == person.id


def test_an_older_snapshot_never_overwrites_a_newer_one(app):
    row = roster_row(tanggal_data="2026-10-01")
    run_import(roster_csv([row]))
    stale = {**row, "status": "nonaktif", "alasan": "pindah", "tanggal_data": "2026-04-01"}
    rejects: list = []
    result = run_import(roster_csv([stale]), rejects)
    assert result.rejected == 1 and "lebih lama" in rejects[0][2]
    assert db.session.scalars(sa.select(Person)).one().status is PersonStatus.AKTIF


def test_the_first_row_of_a_nik_wins_within_one_file(app):
    first = roster_row()
    second = {**first, "status": "nonaktif", "alasan": "meninggal", "kpj": "", "mulai": "", "selesai": ""}
    rejects: list = []
    result = run_import(roster_csv([first, second]), rejects)
    assert (result.inserted, result.rejected) == (1, 1)
    assert rejects == [(3, "ditolak", rejects[0][2])] and "NIK ini juga ada di baris 2" in rejects[0][2]
    person = db.session.scalars(sa.select(Person)).one()
    assert person.status is PersonStatus.AKTIF and person.alasan is None


def test_a_batch_records_who_when_hash_and_counts(app):
    data = roster_csv([roster_row(), roster_row(nik="1")])
    result = run_import(data)
    batch = db.session.get(RosterImportBatch, result.batch_id)
    assert batch.imported_by == "test" and batch.finished_at is not None
    assert len(batch.file_sha256) == 64
    assert (batch.rows_read, batch.inserted, batch.rejected) == (2, 1, 1)


def test_wrong_encoding_imports_nothing(app):
    good = roster_csv([roster_row() for _ in range(3)]).getvalue()
    row = (
        "3275010703850099,José Peña,1985-03-07,L,32.75.01.1001,,,aktif,,25000000001,2025-11-01,2026-12-31,2026-10-01\n"
    )
    latin1 = good + row.encode("latin-1")
    with pytest.raises(RosterFileError) as caught:
        import_roster(session=db.session, stream=io.BytesIO(latin1), filename="x.csv", imported_by="t")
    assert "UTF-8" in file_error(caught.value)
    db.session.rollback()
    assert count(Person) == 0 and count(RosterImportBatch) == 0


def test_missing_columns_are_named(app):
    data = io.BytesIO(b"nik,nama\n3275010703850012,Budi\n")
    with pytest.raises(RosterFileError) as caught:
        import_roster(session=db.session, stream=data, filename="x.csv", imported_by="t")
    assert "tanggal_lahir" in file_error(caught.value)
    db.session.rollback()


def test_cli_import_prints_a_summary_and_writes_rejects(app, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv([roster_row(), roster_row(kelurahan="99"), roster_row()]).getvalue())
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path), "--by", "petugas@test"])
    assert result.exit_code == 0, result.output
    assert "2 baru" in result.output and "1 ditolak" in result.output
    rejects = read_rejects(tmp_path / "roster.rejects.csv")
    assert rejects[0]["baris"] == "3" and "kelurahan" in rejects[0]["alasan"]
    assert db.session.scalars(sa.select(RosterImportBatch)).one().imported_by == "petugas@test"


def test_cli_rejects_file_never_carries_a_spreadsheet_formula(app, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv([roster_row(nama='=HYPERLINK("http://x")', kelurahan="99")]).getvalue())
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 0, result.output
    rejects = read_rejects(tmp_path / "roster.rejects.csv")
    assert rejects[0]["nama"] == '\'=HYPERLINK("http://x")'


def test_cli_refuses_a_file_it_cannot_read_with_a_clear_message(app, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("nik;nama\n".encode("utf-16"))
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path)])
    assert result.exit_code != 0
    assert "UTF-8" in result.output or "Kolom" in result.output
    assert count(Person) == 0


def test_demo_seed_creates_the_program_roster(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    active = db.session.scalar(sa.select(sa.func.count()).where(Person.status == PersonStatus.AKTIF))
    assert active == 11_666
    kelurahan = db.session.scalar(sa.select(sa.func.count(sa.distinct(Person.kelurahan_code))))
    assert kelurahan == 56
    assert "nonaktif/meninggal" in result.output
    statuses = set(db.session.scalars(sa.select(Complaint.status).distinct()))
    categories = set(db.session.scalars(sa.select(Complaint.category).distinct()))
    assert statuses == set(ComplaintStatus) and categories == set(ComplaintCategory)
    again = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert again.exit_code == 0 and "0 baru" in again.output
    # /statistik counts the seeded roster from the import's per-group counts
    from tests.helpers.roster import person_groups, stored_groups

    assert stored_groups() == person_groups()
    figures = app.test_client().get("/statistik/data.json").get_json()["ringkasan"]
    assert figures["peserta_aktif"] == 11_666


def test_a_semicolon_separated_file_is_read_by_its_header_line(app, tmp_path):
    """Excel set to Indonesian saves "CSV" with `;` (docs/roster.md): the header line says which."""
    comma = roster_csv([roster_row(nama="Siti, Aminah"), roster_row(kelurahan="99"), roster_row()]).getvalue()
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(csv.reader(io.StringIO(comma.decode())))
    path = tmp_path / "roster.csv"
    path.write_bytes(("\ufeff" + out.getvalue()).encode())
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 baru" in result.output and "1 ditolak" in result.output
    assert read_rejects(tmp_path / "roster.rejects.csv")[0]["baris"] == "3"
    assert db.session.scalar(sa.select(sa.func.count()).where(Person.nama == "Siti, Aminah")) == 1
