"""Residents' files on either file store (FILE_STORE=local or database), on SQLite and PostgreSQL:
the officers' download answers the same, the purge removes the same, and `flask files migrate`
moves a local folder into the database without a row changing."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.complaints.services.attachment_purge import purge_orphans
from portal.core.base import utcnow
from portal.core.file_models import StoredFile
from portal.core.files import LocalFileStore
from portal.extensions import db
from portal.models import Attachment
from portal.web.settings import attachment_store, local_folder
from tests.clock import running_at
from tests.factories import account, attachment, complaint, png, sign_in


@pytest.fixture(params=["local", "database"])
def app_config(request, tmp_path) -> dict:
    return {"FILE_STORE": request.param, "ATTACHMENT_DIR": str(tmp_path / "lampiran")}


def test_the_download_answers_the_same_from_either_store(client, app):
    case, _ = complaint()
    record = attachment(app, case, data=png((40, 30)), filename="kartu keluarga.png")
    stored = attachment_store().read_bytes(record.storage_key)
    sign_in(client, account("supervisor"))

    response = client.get(f"/petugas/lampiran/{record.id}")
    assert response.status_code == 200 and response.data == stored
    assert hashlib.sha256(response.data).hexdigest() == record.sha256
    headers = response.headers
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"] == 'attachment; filename="kartu keluarga.png"'
    assert int(headers["Content-Length"]) == record.size == len(stored)
    assert headers["ETag"] == f'"{record.sha256}"'  # the content's hash: the same on every node
    assert headers["Cache-Control"] == "no-store" and headers["Accept-Ranges"] == "bytes"
    assert "Last-Modified" in headers

    part = client.get(f"/petugas/lampiran/{record.id}", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == stored[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(stored)}"


def test_a_row_whose_file_is_gone_answers_404(client, app):
    case, _ = complaint()
    record = attachment(app, case)
    attachment_store().delete(key=record.storage_key, session=None)
    sign_in(client, account("supervisor"))
    assert client.get(f"/petugas/lampiran/{record.id}").status_code == 404


def test_the_purge_removes_only_what_nothing_uses(app):
    store = attachment_store()
    case, _ = complaint()
    kept = attachment(app, case)
    orphan = store.put(data=b"a file whose row was never committed", session=None)
    young = store.put(data=b"maybe a request in flight", session=None)
    foreign = store.put(data=b"jangan dihapus", session=None, key="catatan-operator.txt")
    long_ago = utcnow() - timedelta(hours=2)
    for key in (kept.storage_key, orphan.key, foreign.key):
        if isinstance(store, LocalFileStore):
            os.utime(store.folder / key, (long_ago.timestamp(), long_ago.timestamp()))
        else:
            with db.engine.begin() as conn:
                conn.execute(sa.update(StoredFile).where(StoredFile.key == key).values(created_at=long_ago))

    report = purge_orphans(session=db.session, store=store)
    db.session.commit()
    assert (report.orphan_files, report.kept_recent) == (1, 1)
    assert not store.exists(orphan.key)
    assert store.exists(young.key) and store.exists(foreign.key) and store.exists(kept.storage_key)


def test_the_command_purges_on_either_store(app):
    store = attachment_store()
    stray = store.put(data=b"left by a killed worker", session=None)
    later = utcnow() + timedelta(hours=2)
    with running_at(later):
        if isinstance(store, LocalFileStore):
            past = utcnow() - timedelta(hours=1, minutes=1)
            os.utime(store.folder / stray.key, (past.timestamp(), past.timestamp()))
        result = app.test_cli_runner().invoke(args=["attachments", "purge-orphans"])
    assert result.exit_code == 0, result.output
    assert "Dihapus: 1 berkas tanpa catatan" in result.output
    assert not store.exists(stray.key)


@pytest.mark.parametrize("app_config", ["local"], indirect=True)
def test_files_migrate_moves_the_local_folder_into_the_database(client, app):
    case, _ = complaint()
    records = [attachment(app, case, data=png((n, n)), filename=f"foto-{n}.png") for n in (3, 4, 5)]
    folder = local_folder("attachments")
    assert sorted(p.name for p in folder.iterdir()) == sorted(r.storage_key for r in records)

    runner = app.test_cli_runner()
    result = runner.invoke(args=["files", "migrate"])
    assert result.exit_code == 0, result.output
    assert "attachments: 3 berkas disalin" in result.output and "0 sudah ada" in result.output

    app.config["FILE_STORE"] = "database"  # the switch: rows unchanged, files found in the database
    store = attachment_store()
    assert not isinstance(store, LocalFileStore)
    sign_in(client, account("supervisor"))
    for record in records:
        response = client.get(f"/petugas/lampiran/{record.id}")
        assert response.status_code == 200
        assert hashlib.sha256(response.data).hexdigest() == record.sha256
        assert hashlib.sha256(store.read_bytes(record.storage_key)).hexdigest() == record.sha256
    assert sorted(db.session.scalars(sa.select(Attachment.storage_key))) == sorted(f.key for f in store.listing())

    again = runner.invoke(args=["files", "migrate", "--area", "attachments"])
    assert again.exit_code == 0 and "0 berkas disalin (0.0 MB), 3 sudah ada" in again.output
    wrong = runner.invoke(args=["files", "migrate", "--area", "lampiran"])
    assert wrong.exit_code != 0 and "Bagian tidak dikenal: lampiran" in wrong.output
