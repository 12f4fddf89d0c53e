"""Files that nothing will use again are removed (security test finding 12): a file left by a
worker killed between writing an upload and committing its row, and the files of abandoned
complaint drafts. Never a file that a committed row references, nor a fresh file that may belong
to a request still in flight. The kill is real: an upload in its own process, held at its
INSERT by a lock the test takes on the attachment table, then SIGKILLed."""

# ruff: noqa: S603 (this venv's Python)
from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from portal.complaints.services.attachment_purge import purge_orphans
from portal.core.base import utcnow
from portal.extensions import db
from portal.models import Attachment, ComplaintDraft
from portal.web.settings import attachment_store, local_folder
from tests.clock import running_at
from tests.factories import make_nik
from tests.helpers import wait_until
from tests.helpers.complaints import details, start, submit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"ATTACHMENT_DIR": str(tmp_path / "lampiran"), "FILE_STORE": "local"}  # files on disk, aged by hand


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, "PNG")
    return out.getvalue()


def file_complaint_with_a_photo(client) -> Attachment:
    start(client)
    assert details(client, files=[(io.BytesIO(photo()), "kk.png")]).status_code == 303
    assert submit(client).status_code == 303
    return db.session.scalars(sa.select(Attachment).where(Attachment.complaint_id.is_not(None))).one()


def age(path: Path, moment: datetime) -> None:
    """Set the file's time on the test's clock (the kernel stamps it with the real one)."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))


class AttachmentTableLock:
    """Another connection holding a lock that lets reads through and makes an INSERT into
    `attachment` wait: SHARE ROW EXCLUSIVE on PostgreSQL, the write lock on SQLite."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def __enter__(self):
        if self.database_url.startswith("sqlite"):
            self.conn = sqlite3.connect(self.database_url.removeprefix("sqlite:///"), isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.conn = psycopg.connect(self.database_url.replace("postgresql+psycopg://", "postgresql://"))
            self.conn.execute("LOCK TABLE attachment IN SHARE ROW EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc) -> None:
        self.conn.rollback()
        self.conn.close()


def upload_in_a_process(database_url: str, directory: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "SIGAP_ENV": "development",
        "SECRET_KEY": "purge-drill",
        "DATABASE_URL": database_url,
        "ATTACHMENT_DIR": str(directory),
        "FILE_STORE": "local",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.upload_child", make_nik()],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready", child.communicate(timeout=60)
    return child


def wait_for_new_file(directory: Path, known: set[str], child: subprocess.Popen) -> Path:
    def new_file() -> Path | None:
        """A new file with its bytes in (a photo is one write: its time does not change after)."""
        new = {p.name for p in directory.iterdir()} - known if directory.is_dir() else set()
        assert child.poll() is None, child.communicate()
        path = directory / new.pop() if new else None
        return path if path is not None and path.stat().st_size > 0 else None

    return wait_until(new_file, timeout=60, what="the upload never wrote its file", every=0.002)


def test_a_file_left_by_a_worker_killed_before_its_commit_is_purged_and_nothing_else(client, app, database_url):
    directory = local_folder("attachments")
    kept = file_complaint_with_a_photo(client)  # committed: its file must survive every purge
    age(directory / kept.storage_key, utcnow() - timedelta(days=30))

    child = upload_in_a_process(database_url, directory)
    with AttachmentTableLock(database_url):
        child.stdin.write("go\n")
        child.stdin.flush()
        left = wait_for_new_file(directory, {kept.storage_key}, child)  # written and fsynced; INSERT waiting
        age(left, utcnow())
        # In flight: no committed row, but too young to be taken for an orphan.
        report = purge_orphans(session=db.session, store=attachment_store())
        db.session.commit()
        assert (report.orphan_files, report.kept_recent) == (0, 1) and left.exists()
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL

    # The killed worker's file stays, without a row, until the purge.
    assert left.exists()
    assert db.session.scalars(sa.select(Attachment.storage_key)).all() == [kept.storage_key]
    later = utcnow() + timedelta(minutes=30)
    assert purge_orphans(session=db.session, store=attachment_store(), now=later).orphan_files == 0  # still young
    db.session.commit()
    assert left.exists()

    report = purge_orphans(session=db.session, store=attachment_store(), now=utcnow() + timedelta(minutes=61))
    db.session.commit()
    assert (report.orphan_files, report.kept_recent) == (1, 0)
    assert not left.exists()
    assert (directory / kept.storage_key).exists() and db.session.get(Attachment, kept.id) is not None


def test_files_of_abandoned_drafts_go_with_their_drafts_once_committed(client, app):
    directory = local_folder("attachments")
    filed = file_complaint_with_a_photo(app.test_client())
    start(client)  # a draft with a photo, never sent
    assert details(client, files=[(io.BytesIO(photo()), "ktp.png")]).status_code == 303
    abandoned = db.session.scalars(sa.select(Attachment).where(Attachment.draft_token.is_not(None))).one()
    foreign = directory / "catatan-operator.txt"  # not a name the portal writes: never touched
    foreign.write_text("jangan dihapus")
    for path in directory.iterdir():
        age(path, utcnow() - timedelta(days=5))

    # Two days and two hours later, another resident starts a draft with a photo. A draft is not
    # offered again after two days: the first one is abandoned (plus an hour's grace).
    later = utcnow() + timedelta(days=2, hours=2)
    with running_at(later):
        fresh = app.test_client()
        start(fresh)
        assert details(fresh, files=[(io.BytesIO(photo()), "kk.png")]).status_code == 303
    live = db.session.scalars(
        sa.select(Attachment).where(Attachment.draft_token.is_not(None), Attachment.id != abandoned.id)
    ).one()

    report = purge_orphans(session=db.session, store=attachment_store(), now=later)
    assert (report.draft_files, report.orphan_files) == (1, 0) and report.drafts == 1
    db.session.rollback()  # the deletion was not committed: the file stays with its row
    assert (directory / abandoned.storage_key).exists() and db.session.get(Attachment, abandoned.id) is not None

    report = purge_orphans(session=db.session, store=attachment_store(), now=later)
    db.session.commit()
    assert report.draft_files == 1
    assert not (directory / abandoned.storage_key).exists() and db.session.get(Attachment, abandoned.id) is None
    remaining = {r.storage_key for r in db.session.scalars(sa.select(Attachment))}
    assert remaining == {filed.storage_key, live.storage_key}
    assert all((directory / key).exists() for key in remaining) and foreign.exists()
    assert db.session.scalars(sa.select(ComplaintDraft.token)).all() == [live.draft_token]


def test_the_command_purges_and_says_what_it_did(app):
    directory = local_folder("attachments")
    directory.mkdir(parents=True, exist_ok=True)
    stray = directory / ("ab" * 20)
    stray.write_bytes(b"a file whose row was never committed")
    age(stray, utcnow() - timedelta(hours=2))
    result = app.test_cli_runner().invoke(args=["attachments", "purge-orphans"])
    assert result.exit_code == 0, result.output
    assert "Dihapus: 1 berkas tanpa catatan, 0 berkas dan 0 draf yang ditinggalkan" in result.output
    assert not stray.exists()
