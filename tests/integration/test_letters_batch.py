"""flask letters batch: numbers first in one transaction, then rendering in parts that a rerun
after an interruption reuses, merged into one PDF."""

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

import portal.letters.documents.batch_pdf as batch_module
from portal.extensions import db
from portal.letters.services.letters import issue_letter
from portal.models import IssuedVia, Letter, LetterStatus
from tests.factories import person

KEL = "32.75.01.1001"  # Bekasijaya, Bekasi Timur
OTHER_KEL_SAME_KEC = "32.75.01.1002"
OTHER_KEC = "32.75.02.1001"


@pytest.fixture
def people(app):
    names = ["Yuni Lestari", "Ahmad Saputra", "Hj. Siti Ma'rifah", "Budi Santoso", "Eko Pratama"]
    here = [person(nama=name, kelurahan_code=KEL) for name in names]
    person(nama="Agus Hidayat", kelurahan_code=OTHER_KEL_SAME_KEC)
    person(nama="Dewi Rahayu", kelurahan_code=OTHER_KEC)
    person(nama="Tidak Aktif", kelurahan_code=KEL, status="daftar_tunggu", kpj=None, mulai=None, selesai=None)
    return here


def run(app, *args):
    return app.test_cli_runner().invoke(args=["letters", "batch", *args], catch_exceptions=False)


def pages_of(path):
    reader = PdfReader(path)
    return reader, [page.extract_text() for page in reader.pages]


def all_letters():
    return db.session.scalars(sa.select(Letter).order_by(Letter.seq)).all()


def test_one_kelurahan_in_one_pdf_ordered_by_name(app, people, tmp_path):
    out = tmp_path / "bekasijaya.pdf"
    result = run(app, "--kelurahan", KEL, "--out", str(out), "--workers", "2", "--chunk-size", "2")
    assert result.exit_code == 0, result.output
    assert "5 baru" in result.output and "3 bagian" in result.output
    reader, texts = pages_of(out)
    expected = ["Ahmad Saputra", "Budi Santoso", "Eko Pratama", "Hj. Siti Ma'rifah", "Yuni Lestari"]
    assert [[name for name in expected if name in text] for text in texts] == [[n] for n in expected]
    assert reader.metadata.title == (
        "Surat keterangan kepesertaan SIGAP — Kelurahan Bekasijaya, Kecamatan Bekasi Timur"
    )
    assert reader.trailer["/Root"]["/Lang"] == "id"
    letters = all_letters()
    assert [x.seq for x in letters] == [1, 2, 3, 4, 5]
    assert all(x.issued_via == IssuedVia.MASSAL and x.status == LetterStatus.BERLAKU for x in letters)
    for letter, text in zip(sorted(letters, key=lambda x: x.nama), texts, strict=True):
        assert letter.number in text
    assert not (tmp_path / "bekasijaya.pdf.parts").exists()


def test_a_kecamatan_or_the_whole_city(app, people, tmp_path):
    assert run(app, "--kecamatan", "32.75.01", "--out", str(tmp_path / "kec.pdf"), "--workers", "1").exit_code == 0
    assert len(PdfReader(tmp_path / "kec.pdf").pages) == 6
    result = run(app, "--all", "--out", str(tmp_path / "all.pdf"), "--workers", "1")
    assert "1 baru, 6 dipakai ulang" in result.output
    assert len(PdfReader(tmp_path / "all.pdf").pages) == 7
    assert [x.seq for x in all_letters()] == list(range(1, 8))


def test_an_interrupted_batch_resumes_without_new_numbers(app, people, tmp_path, monkeypatch):
    out = tmp_path / "batch.pdf"
    real_render = batch_module.render_part
    calls = []

    def render_then_fail(html, path, tagged):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C, or the machine went down
        return real_render(html, path, tagged)

    monkeypatch.setattr(batch_module, "render_part", render_then_fail)
    interrupted = run(app, "--kelurahan", KEL, "--out", str(out), "--workers", "1", "--chunk-size", "2")
    assert interrupted.exit_code == 1 and "Aborted" in interrupted.output
    numbers = [x.number for x in all_letters()]
    assert len(numbers) == 5 and not out.exists()
    assert len(list((tmp_path / "batch.pdf.parts").glob("*.pdf"))) == 1

    monkeypatch.setattr(batch_module, "render_part", real_render)
    result = run(app, "--kelurahan", KEL, "--out", str(out), "--workers", "1", "--chunk-size", "2")
    assert result.exit_code == 0, result.output
    assert "0 baru, 5 dipakai ulang" in result.output
    assert "2 dibuat, 1 dari proses sebelumnya" in result.output
    assert [x.number for x in all_letters()] == numbers
    _reader, texts = pages_of(out)
    assert len(texts) == 5 and all(n in "".join(texts) for n in numbers)


def test_a_batch_reuses_letters_and_supersedes_outdated_ones(app, people, tmp_path):
    mine = issue_letter(session=db.session, person_id=people[0].id)  # self-service, earlier
    changed = issue_letter(session=db.session, person_id=people[1].id)
    people[1].nama = "Ahmad Saputra Wijaya"
    db.session.commit()
    result = run(app, "--kelurahan", KEL, "--out", str(tmp_path / "b.pdf"), "--workers", "1")
    assert "4 baru, 1 dipakai ulang, 1 menggantikan surat lama" in result.output
    db.session.expire_all()
    assert db.session.get(Letter, mine.id).status == LetterStatus.BERLAKU
    old = db.session.get(Letter, changed.id)
    assert old.status == LetterStatus.DIGANTI
    new = db.session.get(Letter, old.superseded_by_id)
    assert new.nama == "Ahmad Saputra Wijaya" and new.status == LetterStatus.BERLAKU
    valid = db.session.scalars(sa.select(Letter).where(Letter.status == LetterStatus.BERLAKU)).all()
    assert len(valid) == 5 and sorted(x.seq for x in all_letters()) == list(range(1, 7))


def test_the_scope_must_be_one_known_region(app, people, tmp_path):
    out = str(tmp_path / "x.pdf")
    assert run(app, "--out", out).exit_code == 2
    assert run(app, "--all", "--kelurahan", KEL, "--out", out).exit_code == 2
    unknown = run(app, "--kelurahan", "32.75.99.9999", "--out", out)
    assert unknown.exit_code == 2 and "32.75.99.9999" in unknown.output
    assert all_letters() == []


def test_a_region_without_participants_makes_no_pdf(app, tmp_path):
    result = run(app, "--kelurahan", KEL, "--out", str(tmp_path / "none.pdf"))
    assert result.exit_code == 0 and "Tidak ada peserta aktif" in result.output
    assert not (tmp_path / "none.pdf").exists()


def test_parts_hold_the_letters_in_order(app, people, tmp_path):
    """The merged file is the parts in order; each part's pages are its letters in order."""
    run(
        app, "--kelurahan", KEL, "--out", str(tmp_path / "k.pdf"), "--workers", "1", "--chunk-size", "2", "--keep-parts"
    )
    parts = sorted((tmp_path / "k.pdf.parts").glob("*.pdf"))
    assert [p.name[:5] for p in parts] == ["00000", "00001", "00002"]
    sizes = [len(PdfReader(io.BytesIO(p.read_bytes())).pages) for p in parts]
    assert sizes == [2, 2, 1]
