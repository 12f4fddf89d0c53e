"""Issue 16, point 13: a NIK twice in one roster file, an empty file, and reject reasons worded
for the admin who reads the rejects file. Both import paths (the chunked one on SQLite, COPY and
set-wise merge on PostgreSQL) with one segment and with many."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from portal.core.errors import RosterFileError
from portal.extensions import db
from portal.models import Person, PersonStatus, PersonStatusHistory, RosterImportBatch
from portal.roster.labels import file_error, row_problem
from portal.roster.services.importing import import_roster
from tests.factories import account, roster_csv, roster_row, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.roster import person_groups, stored_groups

TODAY = date(2026, 11, 1)


def run(data: io.BytesIO, *, chunk_size: int | None = None):
    rejects: list = []
    result = import_roster(
        session=db.session,
        stream=data,
        filename="roster.csv",
        imported_by="test",
        on_reject=lambda line, kind, problem, raw: rejects.append((line, kind, row_problem(problem), raw["nik"])),
        today=TODAY,
        chunk_size=chunk_size,
    )
    db.session.commit()
    return result, rejects


def history_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PersonStatusHistory))


def persons(count: int, start: int = 1) -> list[dict[str, str]]:
    return [roster_row(birth=date(1970, 1, 1 + n % 28), female=n % 2 == 1) for n in range(start, start + count)]


def gone(row: dict[str, str], reason: str = "pindah") -> dict[str, str]:
    return {**row, "status": "nonaktif", "alasan": reason, "kpj": "", "mulai": "", "selesai": ""}


@pytest.mark.parametrize("chunk_size", [None, 3, 1])
def test_every_later_row_of_a_nik_is_reported_with_the_line_of_the_first(app, chunk_size):
    a, b = persons(2)
    others = persons(6, start=10)
    # lines: 2 a, 3 b, 4-6 others, 7 a (nonaktif), 8-10 others, 11 b again, 12 a again
    rows = [a, b, *others[:3], gone(a), *others[3:], b, gone(a, "meninggal")]
    result, rejects = run(roster_csv(rows), chunk_size=chunk_size)
    assert (result.rows_read, result.inserted, result.updated, result.unchanged, result.rejected) == (11, 8, 0, 0, 3)
    assert sorted((line, kind, nik) for line, kind, _reason, nik in rejects) == [
        (7, "ditolak", a["nik"]),
        (11, "ditolak", b["nik"]),
        (12, "ditolak", a["nik"]),
    ]
    reasons = {line: reason for line, _kind, reason, _nik in rejects}
    assert reasons[7].startswith("NIK ini juga ada di baris 2;") and "hanya baris pertama" in reasons[7]
    assert reasons[11].startswith("NIK ini juga ada di baris 3;")
    assert reasons[12].startswith("NIK ini juga ada di baris 2;")
    stored = dict(db.session.execute(sa.select(Person.nik, Person.status)).all())
    assert stored[a["nik"]] is PersonStatus.AKTIF and stored[b["nik"]] is PersonStatus.AKTIF
    assert history_rows() == 0
    batch = db.session.get(RosterImportBatch, result.batch_id)
    assert (batch.rows_read, batch.inserted, batch.rejected) == (11, 8, 3)
    assert stored_groups() == person_groups()


@pytest.mark.parametrize("chunk_size", [None, 2])
def test_reimporting_a_file_with_a_duplicate_never_flips_a_status_nor_writes_history(app, chunk_size):
    known = persons(5)
    run(roster_csv(known))
    a = known[0]
    # a file whose two rows for `a` disagree, more than one chunk (segment) apart
    update = [gone(a), *known[1:], persons(2, start=20)[0], {**a, "tanggal_data": "2026-10-20"}]
    first, rejects = run(roster_csv(update), chunk_size=chunk_size)
    assert (first.updated, first.status_changes, first.rejected) == (1, 1, 1)
    assert [(line, nik) for line, _kind, _reason, nik in rejects] == [(8, a["nik"])]
    assert history_rows() == 1
    before = db.session.execute(sa.select(Person.nik, Person.status, Person.updated_at).order_by(Person.nik)).all()
    for size in (chunk_size, None, 1):
        again, rejects_again = run(roster_csv(update), chunk_size=size)
        assert (again.inserted, again.updated, again.unchanged, again.rejected, again.status_changes) == (
            0,
            0,
            6,
            1,
            0,
        )
        assert [(line, nik) for line, _kind, _reason, nik in rejects_again] == [(8, a["nik"])]
        assert history_rows() == 1
        after = db.session.execute(sa.select(Person.nik, Person.status, Person.updated_at).order_by(Person.nik)).all()
        assert after == before
    assert db.session.scalars(sa.select(Person.status).where(Person.nik == a["nik"])).one() is PersonStatus.NONAKTIF


def test_a_rejected_first_row_leaves_the_nik_to_the_next_good_row(app):
    row = roster_row()
    broken = {**row, "kelurahan": "99.99.99.9999"}
    result, rejects = run(roster_csv([broken, row]), chunk_size=1)
    assert (result.inserted, result.rejected) == (1, 1)
    assert [(line, "kelurahan" in reason.lower()) for line, _kind, reason, _nik in rejects] == [(2, True)]


@pytest.mark.parametrize(
    ("nik", "words"),
    [
        ("", "Kolom nik kosong."),
        ("3275O10703850012", "NIK di baris ini memuat selain angka 0–9."),
        ("3275 0107 0385", "NIK di baris ini 12 angka, bukan 16."),
        ("0075010703850012", "Dua angka pertama NIK di baris ini bukan kode provinsi."),
        ("3275019903850012", "Angka ke-7 sampai ke-12 NIK di baris ini bukan tanggal lahir yang mungkin."),
        ("3275010703850000", "Empat angka terakhir NIK di baris ini 0000."),
    ],
)
def test_a_bad_nik_is_worded_for_the_admin_not_for_a_resident(app, nik, words):
    result, rejects = run(roster_csv([roster_row(), roster_row(nik=nik)]))
    assert (result.inserted, result.rejected) == (1, 1)
    [(line, kind, reason, _nik)] = rejects
    assert (line, kind, reason) == (3, "ditolak", words)
    assert "Anda" not in reason


def test_every_row_problem_is_worded_without_addressing_a_resident(app):
    from portal.roster.services.rows import Problem, RowProblem

    params = {"col": "mulai", "value": "x", "code": "1", "allowed": "a", "status": "s", "new": "n", "old": "o"}
    for code in RowProblem:
        extra = {"reason": "length", "count": 3} if code is RowProblem.NIK else {"line": 2}
        words = row_problem(Problem(code, {**params, **extra}))
        assert words and "Anda" not in words, code


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "Berkas kosong"),
        (b"\xef\xbb\xbf\r\n", "Berkas kosong"),
        (roster_csv([]).getvalue(), "hanya berisi baris judul"),
    ],
)
def test_an_empty_file_is_told_so(app, data, words):
    with pytest.raises(RosterFileError) as caught:
        import_roster(session=db.session, stream=io.BytesIO(data), filename="x.csv", imported_by="t")
    db.session.rollback()
    message = file_error(caught.value)
    assert words in message
    assert "Kolom berikut tidak ada" not in message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterImportBatch)) == 0


def test_the_cli_says_an_empty_file_is_empty_and_writes_the_duplicate_to_the_rejects_file(app, tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path)])
    assert result.exit_code != 0 and "Berkas kosong" in result.output
    row = roster_row()
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv([row, gone(row)]).getvalue())
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 0, result.output
    with (tmp_path / "roster.rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        [reject] = list(csv.DictReader(handle, delimiter=";"))  # the officers' CSV format
    assert (reject["baris"], reject["jenis"], reject["nik"]) == ("3", "ditolak", row["nik"])
    assert reject["alasan"].startswith("NIK ini juga ada di baris 2;")


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"", "Berkas kosong"), (roster_csv([]).getvalue(), "hanya berisi baris judul")],
)
def test_the_upload_page_refuses_an_empty_file_with_its_own_message(client, data, words):
    sign_in(client, account("admin", totp=True))
    response = client.post(
        "/petugas/impor",
        data={"csrf_token": csrf_token(client, "/petugas/impor"), "file": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    summary = parse(response).select_one(".error-summary").get_text(" ", strip=True)
    assert words in summary and "Kolom berikut tidak ada" not in summary
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterImportBatch)) == 0
