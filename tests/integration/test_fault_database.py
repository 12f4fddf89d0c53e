"""PostgreSQL stopped and started again under load (a drill on a throwaway cluster), and a
database that refuses connections (no server needed).

While the database is away every request that needs it gets the friendly Indonesian 503 page
with Retry-After (never a 500 or a traceback); gunicorn's workers recover by themselves when it
is back (pool_pre_ping, pool invalidation), and no case is half-written: every reference shown on
a confirmation page is in the database exactly once, every case has its "received" event, and
the reference numbers have no gap.
"""

# ruff: noqa: S603, S607 (fixed commands: system tools and this venv's scripts)
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import requests

from portal import create_app
from tests.factories import make_nik, roster_csv, roster_row
from tests.helpers import listening_socket, wait_until
from tests.helpers.drill_cluster import throwaway_cluster

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MESSAGE_503 = "Layanan sedang gangguan"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PANEL_CODE = re.compile(r'class="panel-code">([^<]+)<')


def test_a_database_that_refuses_connections_gets_the_503_page(monkeypatch):
    """Public page, htmx fragment and a signed-in officer (whose account cannot be loaded)."""
    monkeypatch.setenv("SIGAP_ENV", "testing")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none",
            "SECRET_KEY": "k",
            "NIK_HMAC_KEY": "n",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    client = app.test_client()
    page = client.post("/cek-status", data={"nik": make_nik(), "nama": "Budi Santoso"})
    fragment = client.post(
        "/cek-status",
        data={"nik": make_nik(), "nama": "Budi Santoso"},
        headers={"HX-Request": "true"},
    )
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = "1:1", True
    officer = client.get("/petugas/pengaduan")
    for response in (page, fragment, officer):
        text = response.get_data(as_text=True)
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        assert MESSAGE_503 in text and "Tidak ada data Anda yang hilang" in text
    assert "<html" in page.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)


@pytest.mark.own_app  # adds an after_request hook
def test_a_connection_lost_after_the_answer_keeps_the_answer(app, client, database_url):
    """PostgreSQL goes away between the view's answer (say, a committed case's 303) and the
    closing of the session: the resident still gets the answer, not a bare 500."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server connection to cut")
    import sqlalchemy as sa

    from portal.extensions import db

    @app.after_request
    def cut_the_connection(response):
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()  # holds it
        with db.engine.connect() as other:
            # waits (up to 10 s) until the backend has exited and its socket is closed
            assert other.execute(sa.text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}).scalar_one()
        return response

    assert client.get("/cek-status").status_code == 200
    assert client.get("/cek-status").status_code == 200  # the pool handed out a live connection


@dataclass
class Seen:
    responses: list[tuple[float, str, int, bool, bool]] = field(default_factory=list)  # t, kind, status, ...
    failures: list[str] = field(default_factory=list)  # connection errors, unexpected pages
    references: list[str] = field(default_factory=list)  # shown on a confirmation page
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, response: requests.Response) -> int:
        with self.lock:
            self.responses.append(
                (
                    time.monotonic(),
                    kind,
                    response.status_code,
                    response.headers.get("Retry-After") == "30",
                    MESSAGE_503 in response.text,
                )
            )
        return response.status_code

    def ok_since(self, moment: float, kind: str) -> int:
        return sum(1 for t, k, status, *_ in self.responses if t > moment and k == kind and status == 200)


def _token(response: requests.Response) -> str:
    return TOKEN.search(response.text).group(1)


def _status_check(base: str, people: list[tuple[str, str]], rng: random.Random, seen: Seen) -> None:
    with requests.Session() as browser:
        form = browser.get(f"{base}/cek-status", timeout=10)
        nik, name = rng.choice(people) if rng.random() < 0.7 else (make_nik(prefix="327502"), "Tidak Ada")
        seen.record(
            "status",
            browser.post(
                f"{base}/cek-status",
                timeout=10,
                data={"csrf_token": _token(form), "nik": nik, "nama": name},
            ),
        )


def _filing(base: str, seen: Seen) -> None:
    """The whole flow as a browser without JavaScript: every page, its CSRF token, multipart."""
    with requests.Session() as browser:
        page = browser.get(f"{base}/pengaduan/baru", timeout=10)
        page = browser.post(
            f"{base}/pengaduan/baru",
            timeout=10,
            data={"csrf_token": _token(page), "kategori": "terlewat"},
        )
        if seen.record("filing", page) != 200:
            return
        page = browser.post(
            f"{base}/pengaduan/baru/rincian",
            timeout=10,
            data={
                "csrf_token": _token(page),
                "nik": make_nik(female=True, prefix="327503"),
                "nama": "Siti Aminah",
                "kelurahan": "32.75.03.1001",
                "pelapor": "sendiri",
                "telepon": "0812-3456-7890",
                "saluran": "whatsapp",
                "email": "siti@contoh.id",
                "uraian": "Saya ojol, desil 2, belum terdaftar.",
            },
            files={"lampiran": ("", b"", "application/octet-stream")},
        )
        if seen.record("filing", page) != 200:
            return
        page = browser.post(f"{base}/pengaduan/baru/periksa", data={"csrf_token": _token(page)}, timeout=10)
        if seen.record("filing", page) != 200:
            return
        codes = PANEL_CODE.findall(page.text)
        if not page.url.endswith("/pengaduan/terkirim") or len(codes) != 2:
            seen.failures.append(f"no confirmation at {page.url}")
            return
        with seen.lock:
            seen.references.append(codes[0])


def _load(base: str, people, seen: Seen, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 (test data)
    while not stop.is_set():
        try:
            if rng.random() < 0.5:
                _status_check(base, people, rng, seen)
            else:
                _filing(base, seen)
        except (
            requests.RequestException,
            AttributeError,
        ) as error:  # AttributeError: no CSRF field
            seen.failures.append(f"{type(error).__name__}: {error}")


def _workers(master: int) -> set[int]:
    return set(Path(f"/proc/{master}/task/{master}/children").read_text().split())


def _serve(database_url: str, tmp_path: Path) -> tuple[subprocess.Popen, str, Path, list[tuple[str, str]]]:
    """Migrate, import 20 people, start gunicorn (2 gthread workers) on the database."""
    env = {
        **os.environ,
        "SIGAP_ENV": "development",
        "SECRET_KEY": "drill-secret-key",
        "NIK_HMAC_KEY": "nik-key-not-for-production",
        "RATELIMIT_ENABLED": "0",
        "DATABASE_URL": database_url,
        "ATTACHMENT_DIR": str(tmp_path / "lampiran"),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    people = [roster_row(nama=f"Warga Uji {n}", birth=date(1980, 1, 1 + n)) for n in range(20)]
    (tmp_path / "roster.csv").write_bytes(roster_csv(people).getvalue())
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "roster", "import", str(tmp_path / "roster.csv")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = tmp_path / "gunicorn.log"
    listener = listening_socket()  # requests wait in its backlog until a worker takes them
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-w",
                "2",
                "-k",
                "gthread",
                "--threads",
                "2",
                "-b",
                f"fd://{listener.fileno()}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            pass_fds=(listener.fileno(),),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        listener.close()
    try:
        first = requests.get(f"{base}/cek-status", timeout=60)  # answered once a worker is up
    except requests.RequestException as error:  # gunicorn exited: its socket closed
        first = error
    if getattr(first, "status_code", None) != 200:
        os.killpg(server.pid, 9)
        server.wait(timeout=30)
        pytest.fail(f"gunicorn did not start ({first}):\n{log.read_text()[-2000:]}")
    return server, base, log, [(p["nik"], p["nama"]) for p in people]


def test_postgresql_stopped_and_started_under_load(tmp_path):
    with throwaway_cluster() as cluster:
        cluster.psql("CREATE DATABASE sigap")
        server, base, log, people = _serve(cluster.url("sigap"), tmp_path)
        seen, stop = Seen(), threading.Event()
        clients = [threading.Thread(target=_load, args=(base, people, seen, stop, n)) for n in range(4)]
        try:
            workers = _workers(server.pid)
            for client in clients:
                client.start()
            wait_until(lambda: len(seen.references) >= 3, timeout=60, what=lambda: f"filings {seen.failures[:5]}")
            down_at = time.monotonic()
            cluster.stop()
            wait_until(
                lambda: sum(1 for r in seen.responses if r[2] == 503) >= 6,
                timeout=30,
                what=lambda: f"503 pages {seen.failures[:5]}",
            )
            cluster.start()
            up_at = time.monotonic()
            wait_until(
                lambda: seen.ok_since(up_at, "status") >= 3 and seen.ok_since(up_at, "filing") >= 3,
                timeout=60,
                what="did not recover",
            )
            acknowledged_before = len(seen.references)
            wait_until(
                lambda: len(seen.references) >= acknowledged_before + 3, timeout=60, what="no filing after recovery"
            )
            recovered = min(t for t, kind, status, *_ in seen.responses if t > up_at and status == 200) - up_at
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=30)
            alive_workers = _workers(server.pid) if server.poll() is None else set()
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        statuses = {status for _, _, status, *_ in seen.responses}
        unavailable = [r for r in seen.responses if r[2] == 503]
        assert seen.failures == [], seen.failures[:5]
        assert statuses <= {200, 503}, statuses
        assert all(retry and message for *_, retry, message in unavailable)
        assert all(down_at <= t for t, *_ in unavailable)  # 503 only once the database was stopped
        assert alive_workers == workers  # no worker died or was replaced: they recovered in place
        assert "Traceback" not in log.read_text()
        assert recovered < 30

        # No half-written case: the database as it was left.
        rows = cluster.psql(
            "SELECT c.reference, count(e.id) FILTER (WHERE e.kind = 'dibuat') "
            "FROM complaint c LEFT JOIN complaint_event e ON e.complaint_id = c.id "
            "GROUP BY c.reference ORDER BY c.reference",
            "sigap",
        ).split()
        stored = dict(row.split("|") for row in rows)
        assert all(count == "1" for count in stored.values())
        numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in stored)
        assert numbers == list(range(1, len(numbers) + 1))  # rolled-back filings left no gap
        counter = cluster.psql("SELECT sum(last_number) FROM reference_counter WHERE series = 'SGP'", "sigap")
        assert int(counter) == len(stored)
        assert len(seen.references) == len(set(seen.references))
        assert set(seen.references) <= set(stored)  # every acknowledged complaint, exactly once
        outbox = cluster.psql("SELECT count(*) FROM outbox_message", "sigap")
        assert int(outbox) == len(stored)  # each case's email was queued in the same transaction
        after = [r for r in unavailable if r[0] > up_at + 1]  # (a request already failing at up_at)
        assert after == []  # pool_pre_ping: no stale connection reached a request after the restart
        print(
            f"\ndrill: {len(seen.responses)} responses, {len(unavailable)} × 503 while down, "
            f"first success {recovered:.2f} s after the restart, "
            f"{len(seen.references)} acknowledged, "
            f"{len(stored)} stored (the rest committed before a confirmation page failed)"
        )
