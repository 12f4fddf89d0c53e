"""Attachment storage that is full, read-only or not a directory: the resident gets a clear
message in Indonesian, keeps what they typed, and no record is left without its file (or a
file without its record). "Full" and "read-only" are a real tmpfs (mounted as root), not mocks.
"""

# ruff: noqa: S603, S607 (fixed commands: system tools and this venv's scripts)
import hashlib
import io
import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Attachment, Complaint, ComplaintStatus, EventKind
from tests.factories import complaint
from tests.helpers import csrf_token, parse
from tests.helpers.complaints import details, officer_moves, start, submit, track
from tests.pdf_samples import sized_pdf

STORAGE_MESSAGE = "Berkas tidak bisa disimpan saat ini"


@pytest.fixture
def app_config() -> dict:
    return {"FILE_STORE": "local"}  # a disk that fills up or turns read-only


FILLER = "isi-penuh"


def pdf(size: int) -> bytes:
    """A real PDF of about `size` bytes (random image data): PDFs are rewritten before storing."""
    return sized_pdf(size)


class Tmpfs:
    """A small tmpfs at `path`; unmounted after the test."""

    def __init__(self, path: Path, size_kib: int = 256) -> None:
        self.path = path
        path.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0755", "tmpfs", str(path)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")

    def fill(self, leave: int) -> None:
        """Leave only `leave` bytes free."""
        stat = os.statvfs(self.path)
        free = stat.f_bavail * stat.f_frsize
        (self.path / FILLER).write_bytes(b"\0" * max(free - leave, 0))

    def remount(self, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.path)], check=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def tmpfs(tmp_path):
    disk = Tmpfs(tmp_path / "lampiran")
    yield disk
    disk.unmount()


def files_on_disk(directory: Path) -> dict[str, bytes]:
    if not directory.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.name != FILLER}


def assert_every_row_has_its_file_and_every_file_its_row(directory: Path) -> int:
    rows = db.session.scalars(sa.select(Attachment)).all()
    stored = files_on_disk(directory)
    assert sorted(stored) == sorted(r.storage_key for r in rows)
    for row in rows:
        assert hashlib.sha256(stored[row.storage_key]).hexdigest() == row.sha256
    return len(rows)


def break_storage(kind: str, tmp_path: Path, request) -> tuple[Path, callable]:
    """Returns ATTACHMENT_DIR in the broken state and a function that repairs it."""
    if kind == "not_a_directory":
        path = tmp_path / "lampiran"
        path.write_text("a regular file where the directory should be")
        return path, path.unlink
    disk = Tmpfs(tmp_path / "lampiran")
    request.addfinalizer(disk.unmount)
    if kind == "full":
        disk.fill(leave=8 * 1024)
        return disk.path, (disk.path / FILLER).unlink
    disk.remount("ro")
    return disk.path, lambda: disk.remount("rw")


def answer_with_two_files(client):
    """The resident answers a request for information with two 60 KiB PDFs."""
    token = csrf_token(client, "/pengaduan/lacak/kasus")
    return client.post(
        "/pengaduan/lacak/kasus/jawab",
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "jawaban": "KK dan KTP terlampir.",
            "lampiran": [(io.BytesIO(pdf(60 * 1024)), "kk.pdf"), (io.BytesIO(pdf(60 * 1024)), "ktp.pdf")],
        },
    )


@pytest.mark.parametrize("kind", ["full", "read_only", "not_a_directory"])
def test_a_broken_storage_is_said_plainly_and_the_complaint_can_go_without_the_file(
    client, app, tmp_path, request, kind
):
    directory, repair = break_storage(kind, tmp_path, request)
    app.config["ATTACHMENT_DIR"] = str(directory)
    start(client)
    typed = "Saya pemulung di Bantargebang, desil 1, tetapi tidak terdaftar."
    response = details(client, files=[(io.BytesIO(pdf(64 * 1024)), "kk.pdf")], uraian=typed)
    assert response.status_code == 503
    page = parse(response)
    assert STORAGE_MESSAGE in page.select_one(".error-summary").get_text()
    assert page.select_one("textarea[name=uraian]").get_text(strip=True) == typed  # nothing retyped
    assert assert_every_row_has_its_file_and_every_file_its_row(directory) == 0

    # The resident sends without the file: the complaint is filed, with no attachment.
    assert details(client, uraian=typed).status_code == 303
    assert submit(client).status_code == 303
    filed = db.session.scalars(sa.select(Complaint)).one()
    assert filed.description == typed and filed.attachments == []

    # Storage repaired: a file is stored again, with its row.
    repair()
    start(client)
    assert details(client, files=[(io.BytesIO(pdf(64 * 1024)), "kk.pdf")]).status_code == 303
    assert submit(client).status_code == 303
    assert assert_every_row_has_its_file_and_every_file_its_row(directory) == 1


def test_an_answer_whose_second_file_fills_the_disk_leaves_nothing_half_written(client, app, tmpfs):
    app.config["ATTACHMENT_DIR"] = str(tmpfs.path)
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Mohon kirim foto KK.")
    tmpfs.fill(leave=96 * 1024)  # room for the first file, not for the second
    track(client, case.reference, code)
    response = answer_with_two_files(client)
    assert response.status_code == 503
    page = parse(response)
    assert STORAGE_MESSAGE in page.get_text()
    assert page.select_one("textarea[name=jawaban]").get_text(strip=True) == "KK dan KTP terlampir."
    db.session.refresh(case)
    assert case.status is ComplaintStatus.MENUNGGU_INFORMASI
    assert not [e for e in case.events if e.kind is EventKind.JAWABAN_WARGA]
    # The first file was written before the disk filled: it went with the rolled-back answer.
    assert assert_every_row_has_its_file_and_every_file_its_row(tmpfs.path) == 0

    (tmpfs.path / FILLER).unlink()
    response = answer_with_two_files(client)
    assert response.status_code == 303
    assert assert_every_row_has_its_file_and_every_file_its_row(tmpfs.path) == 2


def test_a_removed_draft_file_goes_only_once_the_removal_is_committed(client, app, tmp_path):
    app.config["ATTACHMENT_DIR"] = str(tmp_path / "lampiran")
    start(client)
    assert details(client, files=[(io.BytesIO(pdf(1024)), "kk.pdf")]).status_code == 303
    record = db.session.scalars(sa.select(Attachment)).one()
    path = tmp_path / "lampiran" / record.storage_key
    from portal.complaints.services.filing import remove_draft_attachment
    from portal.web.settings import attachment_store

    remove_draft_attachment(
        session=db.session,
        store=attachment_store(),
        token=record.draft_token,
        attachment_id=record.id,
    )
    db.session.rollback()  # e.g. the database failed at commit: the row stays, so does the file
    assert path.exists() and db.session.get(Attachment, record.id) is not None
    remove_draft_attachment(
        session=db.session,
        store=attachment_store(),
        token=record.draft_token,
        attachment_id=record.id,
    )
    db.session.commit()
    assert not path.exists() and db.session.get(Attachment, record.id) is None


def test_an_appeal_whose_second_file_fills_the_disk_leaves_nothing_half_written(client, app, tmpfs):
    app.config["ATTACHMENT_DIR"] = str(tmpfs.path)
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.SELESAI, "Anda sudah didaftarkan.")
    tmpfs.fill(leave=96 * 1024)  # room for the first file, not for the second
    track(client, case.reference, code)

    def appeal():
        token = csrf_token(client, "/pengaduan/lacak/kasus")
        files = [(io.BytesIO(pdf(60 * 1024)), "kk.pdf"), (io.BytesIO(pdf(60 * 1024)), "ktp.pdf")]
        data = {"csrf_token": token, "penilaian": "belum_puas", "alasan": "Belum terdaftar.", "lampiran": files}
        return client.post("/pengaduan/lacak/kasus/nilai", content_type="multipart/form-data", data=data)

    response = appeal()
    assert response.status_code == 503
    page = parse(response)
    assert STORAGE_MESSAGE in page.get_text()
    assert page.select_one("textarea[name=alasan]").get_text(strip=True) == "Belum terdaftar."
    db.session.refresh(case)
    assert case.status is ComplaintStatus.SELESAI and case.satisfaction is None
    assert not [e for e in case.events if e.kind is EventKind.PENILAIAN]
    assert assert_every_row_has_its_file_and_every_file_its_row(tmpfs.path) == 0

    (tmpfs.path / FILLER).unlink()
    assert appeal().status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.BANDING
    assert assert_every_row_has_its_file_and_every_file_its_row(tmpfs.path) == 2
