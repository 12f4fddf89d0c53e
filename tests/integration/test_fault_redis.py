"""The rate-limit store (a real redis-server of the test's own, on a free port) dying and coming
back while residents file complaints: every form keeps working, and a request whose transaction
committed always gets its answer — also when Redis dies between the commit and the answer (the
limit headers are written after the view).

Each scenario runs in a forked child with an app of its own: the limiter is one object per
process (created unbound, as in production, where a process serves one app), and a store it has
seen die would stay "dead" for the later tests of this process."""

from __future__ import annotations

import multiprocessing
import traceback

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from portal import create_app
from portal.extensions import db
from portal.models import Complaint
from tests.factories import make_nik
from tests.helpers import PortalClient, csrf_token, parse
from tests.helpers.redis_server import REDIS, RedisServer

pytestmark = pytest.mark.skipif(REDIS is None, reason="Redis (redis-server) not installed")


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.kill()


def file_complaint(client, before_sending=lambda: None) -> tuple[int, str | None]:
    """Every step of /pengaduan/baru; the answer to the last one and the reference it showed."""
    client.post("/pengaduan/baru", data={"csrf_token": csrf_token(client, "/pengaduan/baru"), "kategori": "terlewat"})
    details = {
        "csrf_token": csrf_token(client, "/pengaduan/baru/rincian"),
        "nik": make_nik(female=True),
        "nama": "Siti Aminah",
        "kelurahan": "32.75.01.1001",
        "pelapor": "sendiri",
        "telepon": "0812-3456-7890",
        "saluran": "whatsapp",
        "email": "",
        "uraian": "Pedagang kaki lima, desil 2, belum terdaftar.",
    }
    assert client.post("/pengaduan/baru/rincian", data=details).status_code == 303
    token = csrf_token(client, "/pengaduan/baru/periksa")
    before_sending()
    sent = client.post("/pengaduan/baru/periksa", data={"csrf_token": token})
    if sent.status_code != 303:
        return sent.status_code, None
    confirmation = client.get(sent.headers["Location"])
    return sent.status_code, parse(confirmation).select_one(".panel-code").get_text(strip=True)


def stored_references() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(Complaint.reference)))


def in_a_child(app, scenario, redis_server) -> dict:
    """Run `scenario(client, redis_server)` in a forked process with its own app; its result back."""
    results = multiprocessing.get_context("fork").SimpleQueue()

    def child() -> None:
        try:
            own = create_app({**app.config})
            own.test_client_class = PortalClient
            with own.app_context():
                results.put({"ok": scenario(own.test_client(), redis_server)})
        except BaseException:  # noqa: BLE001 (anything goes back to the test as text)
            results.put({"error": traceback.format_exc()})

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0, f"child exited with {process.exitcode}"
    outcome = results.get()
    assert "error" not in outcome, outcome["error"]
    return outcome["ok"]


@pytest.fixture
def app_config(redis_server):
    return {"RATELIMIT_STORAGE_URI": redis_server.url}


def killed_and_restarted(client, redis_server) -> dict:
    first = file_complaint(client)
    redis_server.kill()
    during = file_complaint(client)
    check = client.post("/cek-status", data={"csrf_token": csrf_token(client), "nik": make_nik(), "nama": "Budi"})
    redis_server.start()  # back on the same port
    after = file_complaint(client)
    return {"answers": [first, during, after], "check": check.status_code, "stored": sorted(stored_references())}


def test_a_dead_limit_store_breaks_no_form(app, redis_server):
    result = in_a_child(app, killed_and_restarted, redis_server)
    assert [status for status, _reference in result["answers"]] == [303, 303, 303]
    assert result["check"] == 200
    assert sorted(reference for _status, reference in result["answers"]) == result["stored"]


def killed_after_the_commit(client, redis_server) -> dict:
    def kill_after_the_next_commit():  # the filing's own commit; the limit headers come after it
        event.listen(db.session, "after_commit", lambda _session: redis_server.kill(), once=True)

    status, reference = file_complaint(client, before_sending=kill_after_the_next_commit)
    return {
        "status": status,
        "reference": reference,
        "killed": redis_server.process is None,
        "stored": sorted(stored_references()),
    }


def test_redis_dying_after_the_commit_still_gives_the_resident_the_reference(app, redis_server):
    result = in_a_child(app, killed_after_the_commit, redis_server)
    assert result["killed"], "Redis was to die inside the filing request"
    assert result["status"] == 303
    assert result["reference"] is not None and result["stored"] == [result["reference"]]
